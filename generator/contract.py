"""Every public path of the built site, in one place (``../shared/CONTRACT.md``).

A path here is relative to the site root, with a trailing slash for a page's directory URL
and the file name for a file. Page sources (``*.md`` handed to MkDocs) sit beside the URL
they become. Outputs, templates and tests build their links from these functions only, so
a path can never be spelt two ways.
"""

from __future__ import annotations

from generator.model.matter import LEVELS

API = "api/v1"

# the slip kinds (``guides slip --kind``) and the documents they are
SLIP_KINDS: dict[str, str] = {
    "notice": "一次性告知单",
    "correction": "补正材料通知书",
    "acceptance": "受理通知书",
    "rejection": "不予受理通知书",
}

# ``guides slip --kind correction``: working days to supply missing materials unless --within says
DEFAULT_CORRECTION_DAYS = 5

# The QR codes on slips need an absolute address; without a configured site_url they point here.
DEFAULT_SITE_URL = "https://guides.example.gov.cn/"

# URL segments of the browse pages (plain ASCII, stable; the page titles are Chinese)
TYPE_SLUGS = {
    "行政许可": "licensing",
    "行政备案": "filing",
    "行政确认": "confirmation",
    "行政给付": "benefit",
    "行政奖励": "award",
    "行政裁决": "adjudication",
    "其他行政权力": "other-power",
    "公共服务": "public-service",
}
LEVEL_SLUGS = dict(zip(LEVELS, ("province", "city", "county", "township", "village")))


# ------------------------------------------------------------------------------ pages


def matter_url(code: str) -> str:
    return f"matters/{code}/"


def matter_src(code: str) -> str:
    return f"matters/{code}.md"


def flow_svg(code: str) -> str:
    return f"{matter_url(code)}flow.svg"


def slip_pdf(code: str, kind: str) -> str:
    return f"{matter_url(code)}slips/{kind}.pdf"


def download_path(code: str, name: str) -> str:
    """A blank form, sample or result sample of a matter (from ``matters/files/<code>/<name>``)."""
    return f"{matter_url(code)}files/{name}"


def download_from_matter_page(name: str) -> str:
    return f"files/{name}"


def slip_from_matter_page(kind: str) -> str:
    """A slip's link relative to its matter page."""
    return f"slips/{kind}.pdf"


def department_url(credit_code: str) -> str:
    return f"departments/{credit_code}/"


def department_src(credit_code: str) -> str:
    return f"departments/{credit_code}.md"


def type_url(matter_type: str) -> str:
    return f"types/{TYPE_SLUGS[matter_type]}/"


def type_src(matter_type: str) -> str:
    return f"types/{TYPE_SLUGS[matter_type]}.md"


def level_src(level: str) -> str:
    return f"levels/{LEVEL_SLUGS[level]}.md"


def region_url(division_code: str) -> str:
    return f"regions/{division_code}/"


def region_src(division_code: str) -> str:
    return f"regions/{division_code}.md"


def theme_url(theme_id: str) -> str:
    return f"themes/{theme_id}/"


def theme_src(theme_id: str) -> str:
    return f"themes/{theme_id}.md"


def theme_flow_svg(theme_id: str) -> str:
    return f"{theme_url(theme_id)}flow.svg"


def theme_notice_pdf(theme_id: str) -> str:
    return f"{theme_url(theme_id)}notice.pdf"


# -------------------------------------------------------------------------------- API

CATALOGUE = f"{API}/catalogue.json"
MATTER_SCHEMA = f"{API}/schema/matter.schema.json"
THEME_SCHEMA = f"{API}/schema/theme.schema.json"  # the published theme JSON
THEME_SOURCE_SCHEMA = f"{API}/schema/theme-source.schema.json"  # the theme YAML file (matters/themes/<id>.yml)
SCHEMA_DIR = f"{API}/schema"
INDEX = f"{API}/index.json"
OPENAPI = f"{API}/openapi.json"
CHANGES_SINCE_DIR = f"{API}/changes/since"
ROBOTS = "robots.txt"

# the search bundle (Pagefind: entry, wasm, index chunks, fragments), written after the pages
SEARCH_BUNDLE = "pagefind/"
# the full search page with filters (the header box sends Enter here)
SEARCH_URL = "search/"
SEARCH_SRC = "search.md"
# the human site map (网站地图, linked from the footer)
SITEMAP_SRC = "sitemap.md"

# the two entries of the home page: matters for individuals and for organisations
AUDIENCE_SLUGS = {"个人办事": "personal", "法人办事": "business"}
AUDIENCE_HINTS = {
    "个人办事": "户口、婚姻、社保、养老、住房、个体户……自然人和个体工商户办的事",
    "法人办事": "开办企业、经营许可、建设工程、交通运输……企业和其他组织办的事",
}


def audience_url(label: str) -> str:
    return f"{AUDIENCE_SLUGS[label]}/"


def audience_src(label: str) -> str:
    return f"{AUDIENCE_SLUGS[label]}.md"
SITEMAP = "sitemap.xml"
# the spreadsheets for staff: name -> (CSV, XLSX)
SHEETS = ("catalogue", "implementations", "materials")
# every published JSON file kind with a schema: name -> schema path
SCHEMA_NAMES = ("catalogue", "matter", "implementations", "changes", "theme", "region", "department", "index")
CHANGES = f"{API}/changes.json"
CHANGES_ATOM = f"{API}/changes.atom"
IMPLEMENTATIONS = f"{API}/implementations.json"
CPSV_DIR = f"{API}/cpsv-ap"
CPSV_CONCEPTS = f"{CPSV_DIR}/concepts.jsonld"
API_DOCS = "api/"


def matter_json(code: str) -> str:
    return f"{API}/matters/{code}.json"


def cpsv_jsonld(code: str) -> str:
    return f"{CPSV_DIR}/{code}.jsonld"


def theme_json(theme_id: str) -> str:
    return f"{API}/themes/{theme_id}.json"


def from_matter_page(path: str) -> str:
    """A site path as a link from a matter page (``matters/<code>/``)."""
    return f"../../{path}"


def schema_path(name: str) -> str:
    return f"{SCHEMA_DIR}/{name}.schema.json"


def changes_since(day: str) -> str:
    """Every change dated ``day`` or later (``day`` is YYYY-MM-DD, a date that has changes)."""
    return f"{CHANGES_SINCE_DIR}/{day}.json"


def region_json(division_code: str) -> str:
    return f"{API}/regions/{division_code}.json"


def department_json(credit_code: str) -> str:
    return f"{API}/departments/{credit_code}.json"


def sheet_csv(name: str) -> str:
    return f"{API}/{name}.csv"


def sheet_xlsx(name: str) -> str:
    return f"{API}/{name}.xlsx"


# a JSON file's links are relative to the site root; its ``base`` key is the site root relative to the file
def base_from(path: str) -> str:
    return "../" * path.count("/")
