"""Small builders for catalogue files in tests."""

from __future__ import annotations

from pathlib import Path

SAMPLE_NAME = "p4-a-duke-ai-product-management.md"
_SHARED = Path(__file__).resolve().parents[1].parent.parent / "shared" / "samples" / "catalogue"


def sample_bytes() -> bytes:
    """The real Duke file: from ../shared when there, else the byte-for-byte copy."""
    for folder in (Path("/work/shared/samples/catalogue"), _SHARED):
        if (folder / SAMPLE_NAME).is_file():
            return (folder / SAMPLE_NAME).read_bytes()
    return (Path(__file__).parent / "data" / SAMPLE_NAME).read_bytes()


def course_md(code: str = "C-1", *, effort: str = "20h", extra: str = "", body: str = "") -> str:
    return (
        f'---\nid: "{code}"\nnom: "Cours {code}"\ninstitution: "Provider"\n'
        f'effort: "{effort}"\n{extra}---\n{body or "# Titre\n\nUn cours.\n"}'
    )


FRAMEWORK_MD = """---
type: competencies
domains:
  - id: ai-tech
    nom: "Compréhension technique de l'IA"
    name_en: "Technical understanding of AI"
    competencies:
      - id: ml-literacy
        nom: "Culture du machine learning"
        name_en: "Machine learning literacy"
        aliases: ["Machine Learning"]
        levels:
          - {fr: "n1", en: "l1"}
          - {fr: "n2", en: "l2"}
          - {fr: "n3", en: "l3"}
          - {fr: "n4", en: "l4"}
          - {fr: "n5", en: "l5"}
      - id: mlops
        nom: "MLOps"
        levels: [{fr: "n1"}, {fr: "n2"}, {fr: "n3"}, {fr: "n4"}, {fr: "n5"}]
      - id: model-evaluation
        nom: "Évaluation de modèles"
        name_en: "Model evaluation"
        levels: [{fr: "n1"}, {fr: "n2"}, {fr: "n3"}, {fr: "n4"}, {fr: "n5"}]
---
"""

TRACK_MD = """---
id: ai-po
nom: "AI Product Owner"
name_en: "AI Product Owner"
phases:
  - code: P1
    nom: "Fondamentaux"
  - code: P4
    nom: "Gestion de produit IA"
targets:
  mlops: 3
  ml-literacy: 2
---
Le parcours.
"""


def write_catalogue(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            content = content.encode("utf-8")
        path.write_bytes(content)
    return root
