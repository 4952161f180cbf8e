"""The admin's browser upload: `.md` files or a `.zip`, checked before anything is read.

A zip is refused whole — with a message naming the member — when it could hurt the
server: too many members, a total uncompressed size or ratio that smells of a zip bomb,
a member that climbs out of its folder (`../`, absolute paths), a symlink, an encrypted
member. Members that are not `.md` are ignored with a warning. Declared sizes are not
trusted: every member is read with a cap.
"""

from __future__ import annotations

import io
import posixpath
import re
import stat
import zipfile
import zlib
from collections.abc import Iterable

from django.utils.translation import gettext as _

from .specs import MAX_FILE_BYTES, Problem, SourceFile

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_MEMBERS = 500
MAX_TOTAL_UNCOMPRESSED = 50 * 1024 * 1024
MAX_RATIO = 100
_DRIVE = re.compile(r"^[A-Za-z]:")


class UploadRefused(ValueError):
    pass


def _member_path(name: str) -> str:
    """The member's path, or UploadRefused when it would leave the upload's folder."""
    path = name.replace("\\", "/")
    if path.startswith("/") or _DRIVE.match(path):
        raise UploadRefused(
            _("The zip member %(name)r has an absolute path: refused.") % {"name": name}
        )
    if ".." in path.split("/"):
        raise UploadRefused(
            _("The zip member %(name)r climbs out of its folder ('..'): refused.") % {"name": name}
        )
    return posixpath.normpath(path)


def sources_from_zip(data: bytes, *, name: str) -> tuple[list[SourceFile], list[Problem]]:
    """The .md members of a zip, as SourceFiles named `<zip name>/<member path>`."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise UploadRefused(_("%(name)s is not a valid zip archive.") % {"name": name}) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_MEMBERS:
            raise UploadRefused(
                _("%(name)s holds %(count)d members, more than %(max)d: refused.")
                % {"name": name, "count": len(infos), "max": MAX_MEMBERS}
            )
        declared = sum(info.file_size for info in infos)
        compressed = sum(info.compress_size for info in infos) or 1
        if declared > MAX_TOTAL_UNCOMPRESSED or (
            declared > MAX_FILE_BYTES and declared / compressed > MAX_RATIO
        ):
            raise UploadRefused(
                _(
                    "%(name)s would expand to %(size)s bytes (%(ratio)d times its size): "
                    "refused as a possible zip bomb."
                )
                % {"name": name, "size": f"{declared:,}", "ratio": declared // compressed}
            )
        for info in infos:
            _member_path(info.filename)
            if stat.S_ISLNK(info.external_attr >> 16):
                raise UploadRefused(
                    _("The zip member %(name)r is a symbolic link: refused.")
                    % {"name": info.filename}
                )
            if info.flag_bits & 0x1:
                raise UploadRefused(
                    _("The zip member %(name)r is encrypted: refused.") % {"name": info.filename}
                )
        return _read_members(archive, infos, name)


def _read_members(
    archive: zipfile.ZipFile, infos: Iterable[zipfile.ZipInfo], name: str
) -> tuple[list[SourceFile], list[Problem]]:
    sources: list[SourceFile] = []
    warnings: list[Problem] = []
    total = 0
    for info in infos:
        if info.is_dir():
            continue
        path = _member_path(info.filename)
        display = f"{name}/{path}"
        base = posixpath.basename(path)
        if (
            not base.lower().endswith(".md")
            or base.startswith("._")
            or path.startswith("__MACOSX/")
        ):
            warnings.append(Problem(display, None, _("Not a catalogue file (.md): ignored.")))
            continue
        if info.file_size > MAX_FILE_BYTES:
            sources.append(SourceFile(name=display, data=None, size=info.file_size))
            continue
        data = _read_member(archive, info)
        total += len(data)
        if total > MAX_TOTAL_UNCOMPRESSED:
            raise UploadRefused(
                _("%(name)s expands beyond its declared size: refused as a possible zip bomb.")
                % {"name": name}
            )
        if len(data) > MAX_FILE_BYTES:
            sources.append(SourceFile(name=display, data=None, size=len(data)))
        elif len(data) != info.file_size:
            raise UploadRefused(_damaged(info, _("its size is not the one its header gives")))
        else:
            sources.append(SourceFile(name=display, data=data, size=len(data)))
    return sources, warnings


# What zipfile and zlib raise on a damaged archive: a bad CRC (BadZipFile), a corrupt
# deflate stream (zlib.error), data cut short (EOFError, or ValueError on a seek before
# the start), a header that points nowhere (OSError).
_DAMAGE = (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError)


def _damaged(info: zipfile.ZipInfo, reason: str) -> str:
    return _("The zip member %(name)r is damaged (%(reason)s): refused.") % {
        "name": info.filename,
        "reason": reason,
    }


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """The member's bytes, never more than the limit + 1 whatever the header claims;
    UploadRefused when the archive is damaged or uses a method this server cannot read."""
    try:
        with archive.open(info) as member:
            return member.read(MAX_FILE_BYTES + 1)
    except NotImplementedError:
        raise UploadRefused(
            _("The zip member %(name)r uses a compression method this server cannot read: refused.")
            % {"name": info.filename}
        ) from None
    except _DAMAGE:
        raise UploadRefused(
            _damaged(info, _("its data does not match its checksum or is cut short"))
        ) from None


def sources_from_uploads(
    uploads: Iterable[tuple[str, bytes]],
) -> tuple[list[SourceFile], list[Problem]]:
    """Uploaded (name, bytes): `.md` files side by side, or zips; UploadRefused otherwise."""
    sources: list[SourceFile] = []
    warnings: list[Problem] = []
    for raw_name, data in uploads:
        name = posixpath.basename(raw_name.replace("\\", "/")) or "upload"
        lower = name.lower()
        if lower.endswith(".zip"):
            found, notes = sources_from_zip(data, name=name)
            sources += found
            warnings += notes
        elif lower.endswith(".md"):
            size = len(data)
            sources.append(
                SourceFile(name=name, data=data if size <= MAX_FILE_BYTES else None, size=size)
            )
        else:
            raise UploadRefused(
                _("%(name)s is neither a .md file nor a .zip archive.") % {"name": name}
            )
    return sources, warnings


def pack(sources: Iterable[SourceFile]) -> bytes:
    """Re-pack checked sources as a zip to keep between preview and confirm."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for source in sources:
            if source.data is not None:
                archive.writestr(source.name, source.data)
    return buffer.getvalue()


def unpack(data: bytes) -> list[SourceFile]:
    """The sources `pack` wrote (trusted: the importer made this archive itself)."""
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        return [
            SourceFile(name=info.filename, data=archive.read(info), size=info.file_size)
            for info in archive.infolist()
        ]
