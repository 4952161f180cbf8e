"""The catalogue importer: bytes -> text (encoding repair) -> frontmatter + body ->
validated spec -> database (one transaction, with a diff report).

    decoding.py   bytes -> text: BOM, CRLF, UTF-8 / Windows-1252, mojibake repair
    safe_yaml.py  a YAML loader with no tags, anchors or aliases, and line numbers
    effort.py     "90h (4 mois à 5h/semaine)" -> 90 h at 5 h a week
    markdown.py   markdown -> sanitised HTML (nh3)
    parsing.py    one file -> a course, track or framework spec, with its problems
    validate.py   checks across files (duplicate ids, phases, competencies)
    writer.py     specs -> database in bulk
    service.py    import_catalogue(), the one entry point (command line and upload)
    uploads.py    the admin upload: .md files or a .zip, checked, staged
"""

from .service import Report, import_catalogue
from .specs import Problem, SourceFile

__all__ = ["Problem", "Report", "SourceFile", "import_catalogue"]
