"""AMP components and AMP pages (AMP)."""

from __future__ import annotations

from ampcheck.rules.amp.amp001_amp_layout import AmpLayout
from ampcheck.rules.amp.amp002_amp_size import AmpSize
from ampcheck.rules.amp.amp003_amp_attribute import AmpAttribute
from ampcheck.rules.amp.amp004_html_not_amp import HtmlNotAmp
from ampcheck.rules.amp.amp005_amp_self_closing import AmpSelfClosing
from ampcheck.rules.amp.amp006_amp_placeholder_misplaced import AmpPlaceholderMisplaced
from ampcheck.rules.amp.amp007_amp_runtime_missing import AmpRuntimeMissing
from ampcheck.rules.amp.amp008_amp_element_unclosed import AmpElementUnclosed
from ampcheck.rules.amp.amp009_amp_extension_script_missing import AmpExtensionScriptMissing
from ampcheck.rules.amp.amp010_amp_structure import AmpStructure
from ampcheck.rules.amp.amp011_amp_url_protocol import AmpUrlProtocol
from ampcheck.rules.amp.amp012_html_attribute_not_allowed import HtmlAttributeNotAllowed

RULES = (
    AmpLayout,
    AmpSize,
    AmpAttribute,
    HtmlNotAmp,
    AmpSelfClosing,
    AmpPlaceholderMisplaced,
    AmpRuntimeMissing,
    AmpElementUnclosed,
    AmpExtensionScriptMissing,
    AmpStructure,
    AmpUrlProtocol,
    HtmlAttributeNotAllowed,
)
