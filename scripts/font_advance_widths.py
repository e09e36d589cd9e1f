"""Advance widths of the printable ASCII characters of a font, in em.

The trade-off plot estimates label widths without fonts (crates/harness/src/plot/layout.rs);
a test checks that the estimate is at least as wide as DejaVu Sans, one of the widest common
sans-serif faces, using the table this script writes.

Usage: $PYTHON scripts/font_advance_widths.py FONT.ttf > crates/harness/src/plot/dejavu_sans_widths.txt
(needs fontTools: pip install fonttools; DejaVuSans.ttf ships with most Linux distributions,
e.g. Debian's fonts-dejavu-core).
"""

import sys

from fontTools.ttLib import TTFont


def main() -> None:
    font = TTFont(sys.argv[1])
    cmap = font.getBestCmap()
    hmtx = font["hmtx"]
    units = font["head"].unitsPerEm
    name = font["name"].getDebugName(4)
    print(f"# advance widths in em of {name} ({units} units per em): code point, width")
    for code in range(32, 127):
        print(f"{code} {hmtx[cmap[code]][0] / units:.6f}")


if __name__ == "__main__":
    main()
