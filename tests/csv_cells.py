"""Text cells that both CSV exports must neutralise."""

# Cells a spreadsheet runs as a formula: the ASCII triggers, after leading spaces too
# (Excel and LibreOffice skip them), full-width and small forms, tab, CR and LF.
FORMULA_CELLS = [
    "=1+1",
    "+1",
    "-1",
    "@SUM(A1)",
    "\tx",
    "\rx",
    "\nx",
    " =1+1",
    "   +1",
    "\u00a0=1+1",
    "\u3000=1+1",
    "\uff1d1+1",
    "\uff0b1",
    "\uff0d1",
    "\uff20SUM(A1)",
    " \uff1d1+1",
    "\ufe661+1",
    "\t=1+1",
]
