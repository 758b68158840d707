"""A small ADA CDT catalogue with typical fees of a US general practice (demo fee schedule)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CdtCode:
    code: str
    description: str
    fee: float
    category: str  # diagnostic / preventive / restorative / endodontics / periodontics / surgery / adjunctive


_CODES = (
    CdtCode("D0120", "Periodic oral evaluation - established patient", 65.0, "diagnostic"),
    CdtCode("D0140", "Limited oral evaluation - problem focused", 95.0, "diagnostic"),
    CdtCode("D0150", "Comprehensive oral evaluation - new or established patient", 120.0, "diagnostic"),
    CdtCode("D0210", "Intraoral - comprehensive series of radiographic images", 160.0, "diagnostic"),
    CdtCode("D0220", "Intraoral - periapical first radiographic image", 35.0, "diagnostic"),
    CdtCode("D0272", "Bitewings - two radiographic images", 55.0, "diagnostic"),
    CdtCode("D0274", "Bitewings - four radiographic images", 80.0, "diagnostic"),
    CdtCode("D0330", "Panoramic radiographic image", 140.0, "diagnostic"),
    CdtCode("D1110", "Prophylaxis - adult", 115.0, "preventive"),
    CdtCode("D1120", "Prophylaxis - child", 85.0, "preventive"),
    CdtCode("D1206", "Topical application of fluoride varnish", 45.0, "preventive"),
    CdtCode("D1351", "Sealant - per tooth", 55.0, "preventive"),
    CdtCode("D2140", "Amalgam - one surface, primary or permanent", 165.0, "restorative"),
    CdtCode("D2330", "Resin-based composite - one surface, anterior", 185.0, "restorative"),
    CdtCode("D2391", "Resin-based composite - one surface, posterior", 210.0, "restorative"),
    CdtCode("D2392", "Resin-based composite - two surfaces, posterior", 265.0, "restorative"),
    CdtCode("D2740", "Crown - porcelain/ceramic", 1250.0, "restorative"),
    CdtCode("D2950", "Core buildup, including any pins when required", 295.0, "restorative"),
    CdtCode("D3310", "Endodontic therapy, anterior tooth", 850.0, "endodontics"),
    CdtCode("D3330", "Endodontic therapy, molar tooth", 1150.0, "endodontics"),
    CdtCode("D4341", "Periodontal scaling and root planing - four or more teeth per quadrant", 245.0, "periodontics"),
    CdtCode("D4342", "Periodontal scaling and root planing - one to three teeth per quadrant", 175.0, "periodontics"),
    CdtCode("D4910", "Periodontal maintenance", 150.0, "periodontics"),
    CdtCode("D7140", "Extraction, erupted tooth or exposed root", 185.0, "surgery"),
    CdtCode("D7210", "Extraction, erupted tooth requiring removal of bone and/or sectioning of tooth", 325.0, "surgery"),
    CdtCode("D9230", "Inhalation of nitrous oxide/analgesia, anxiolysis", 75.0, "adjunctive"),
)

CATALOGUE: dict[str, CdtCode] = {c.code: c for c in _CODES}

MOLARS = (2, 3, 14, 15, 18, 19, 30, 31)
PREMOLARS = (4, 5, 12, 13, 20, 21, 28, 29)
ANTERIORS = (6, 7, 8, 9, 10, 11, 22, 23, 24, 25, 26, 27)
QUADRANTS = ("UR", "UL", "LL", "LR")


def lookup(code: str) -> CdtCode:
    """The catalogue entry; a KeyError names the unknown code (a typo in the generator)."""
    try:
        return CATALOGUE[code]
    except KeyError:
        raise KeyError(f"CDT code {code} is not in the demo catalogue") from None
