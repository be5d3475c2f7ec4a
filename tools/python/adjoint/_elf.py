"""The dynamic symbols of an ELF shared library, read without loading it.

`load` uses this to find the `<prefix>_adjoint_interface` function of a
library built by adjoint-compile, so that the prefix need not be given.
"""

import struct

SHT_DYNSYM = 11


class ElfError(ValueError):
    """The file is not an ELF file this reader understands."""


def dynamic_symbols(path):
    """Returns the names of the defined symbols in the dynamic symbol table
    (.dynsym) of the ELF file `path` (32 or 64 bit, either byte order)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\x7fELF":
        raise ElfError(f"{path}: not an ELF file")
    cls, order = data[4], data[5]
    if cls not in (1, 2) or order not in (1, 2):
        raise ElfError(f"{path}: unknown ELF class {cls} or byte order {order}")
    end = "<" if order == 1 else ">"
    is64 = cls == 2
    try:
        if is64:
            shoff, = struct.unpack_from(end + "Q", data, 0x28)
            shentsize, shnum = struct.unpack_from(end + "HH", data, 0x3A)
            section = end + "IIQQQQIIQQ"
        else:
            shoff, = struct.unpack_from(end + "I", data, 0x20)
            shentsize, shnum = struct.unpack_from(end + "HH", data, 0x2E)
            section = end + "IIIIIIIIII"
        sections = []
        for i in range(shnum):
            (name, type_, flags, addr, offset, size, link, info, align,
             entsize) = struct.unpack_from(section, data, shoff + i * shentsize)
            sections.append((type_, offset, size, link, entsize))
        names = []
        for type_, offset, size, link, entsize in sections:
            if type_ != SHT_DYNSYM or entsize == 0:
                continue
            strtab_offset = sections[link][1]
            for sym in range(offset, offset + size, entsize):
                if is64:
                    st_name, info, other, shndx = struct.unpack_from(
                        end + "IBBH", data, sym)
                else:
                    st_name, = struct.unpack_from(end + "I", data, sym)
                    info, other, shndx = struct.unpack_from(
                        end + "BBH", data, sym + 12)
                if st_name == 0 or shndx == 0:  # unnamed, or undefined
                    continue
                start = strtab_offset + st_name
                names.append(data[start:data.index(b"\0", start)].decode())
        return names
    except (struct.error, IndexError, ValueError) as e:
        raise ElfError(f"{path}: malformed ELF file ({e})") from None
