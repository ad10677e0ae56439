"""The look: Gradio's default theme with system fonts and colours that meet WCAG 2.2 AA contrast
(4.5:1 for text), visible focus on every control, and the phone layout (one scroll, the question
first, an opened article as a full-screen sheet with a back control)."""
from __future__ import annotations

import gradio as gr

# Text colours checked against white and the light panel backgrounds: #475569 is 7.6:1 on white,
# the primary button's #9a3412 behind white text 7.3:1, the link blue #1d4ed8 6.7:1.
SUBDUED = "#475569"
PRIMARY = "#9a3412"
PRIMARY_HOVER = "#7c2d12"
FOCUS = "#1d4ed8"


def theme() -> gr.themes.Base:
    """The default look with system fonts (these machines cannot fetch web fonts) and AA contrast."""
    return gr.themes.Default(font=["ui-sans-serif", "system-ui", "sans-serif"],
                             font_mono=["ui-monospace", "monospace"]).set(
        body_text_color_subdued=SUBDUED, block_info_text_color=SUBDUED, input_placeholder_color="#64748b",
        block_label_text_color=SUBDUED, block_title_text_color="#1e293b",
        button_primary_background_fill=PRIMARY, button_primary_background_fill_hover=PRIMARY_HOVER,
        button_primary_text_color="#ffffff", button_primary_border_color=PRIMARY,
        link_text_color=FOCUS, link_text_color_hover="#1e3a8a", link_text_color_visited="#6b21a8",
        checkbox_label_text_color="#1e293b", checkbox_label_text_color_selected="#1e293b",
    )


CSS = f"""
.app-header h1 {{ font-size: 1.6em; margin: 0 0 4px 0; }}
.app-header .reminder {{ margin: 0; color: {SUBDUED}; }}
.panel-head {{ font-size: 1.15em; margin: 4px 0; }}
.sr-only {{ position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }}
/* Every control shows where the keyboard is. */
a:focus-visible, button:focus-visible, input:focus-visible, textarea:focus-visible, summary:focus-visible,
[tabindex]:focus-visible, label:has(input:focus-visible) {{ outline: 3px solid {FOCUS} !important; outline-offset: 2px; }}
.article-heading:focus {{ outline: 2px solid {FOCUS}; outline-offset: 2px; }}
.turn {{ border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 10px 14px; margin: 8px 0; }}
.turn h3.question {{ font-weight: 600; font-size: 1.05em; margin: 0 0 4px 0; }}
.turn .searched, .turn .kind, .turn .export-status, .copy-status {{ color: {SUBDUED}; font-size: 0.85em; }}
.turn.abstained, .turn.not-addressed {{ border-color: #b45309; background: #fffbeb; }}
.guide {{ border-left: 3px solid {FOCUS}; background: #eff6ff; padding: 4px 10px; margin: 6px 0;
         font-size: 0.92em; font-style: italic; }}
.guide .guide-head {{ font-style: normal; font-weight: 600; font-size: 0.85em; }}
.guide ul {{ margin: 2px 0 2px 1em; padding: 0; }}
.not-found {{ font-size: 0.88em; margin-top: 6px; }}
.turn.error, .error-line {{ color: #b42318; }}
.notice {{ font-size: 0.9em; padding: 4px 8px; margin: 4px 0; border-left: 3px solid #b45309; }}
.provisions-head, .toc-title, .note-head, .xref-head {{ font-weight: 600; margin-top: 8px; }}
.toc-title {{ font-size: 1em; }}
a.cite {{ text-decoration: underline dotted; text-underline-offset: 2px; padding: 0 !important; margin: 0 !important; }}
/* WCAG 2.5.8: every target at least 24 px high. */
summary {{ min-height: 24px; padding: 2px 0; cursor: pointer; }}
.toc li, .viewer .xrefs, .viewer .referred-by, .viewer .nav, .lookup li, .about li {{ line-height: 1.9; }}
#tabs button[role=tab][aria-selected=true] {{ color: {PRIMARY} !important; border-color: {PRIMARY} !important; }}
#tabs button[role=tab] {{ padding-left: 10px; padding-right: 10px; }}
details.expert {{ font-size: 0.85em; color: {SUBDUED}; margin-top: 6px; }}
.export {{ display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin-top: 8px; }}
.export button, .copy-link {{ font-size: 0.85em; border: 1px solid {SUBDUED}; border-radius: 6px; padding: 4px 10px;
                              background: #ffffff; color: #1e293b; cursor: pointer; text-decoration: none; }}
.viewer {{ max-height: calc(100vh - 190px); overflow-y: auto; padding-right: 4px; }}
.viewer-head {{ position: sticky; top: 0; z-index: 2; background: var(--block-background-fill, #ffffff);
               padding: 4px 0; border-bottom: 1px solid var(--border-color-primary); }}
.viewer .crumbs {{ color: {SUBDUED}; font-size: 0.85em; }}
.viewer .article-heading {{ margin: 2px 0 6px 0; }}
.back-to-answer {{ display: inline-block; margin-bottom: 4px; font-weight: 600; }}
.back-to-answer[hidden] {{ display: none; }}
.viewer .blk {{ margin: 6px 0; white-space: pre-wrap; }}
.viewer .depth-2 {{ margin-left: 1.5em; }} .viewer .depth-3 {{ margin-left: 3em; }}
.viewer .hl, .viewer .note.hl {{ background: #fef3c7; outline: 2px solid #b45309; border-radius: 4px; }}
.viewer .note {{ border-top: 1px solid var(--border-color-primary); margin-top: 10px; padding-top: 6px; }}
.viewer .xrefs, .viewer .referred-by {{ margin-top: 8px; }}
.viewer .nav {{ margin-top: 12px; display: flex; gap: 16px; }}
.lookup .lead-in {{ color: {SUBDUED}; }}
.toc {{ max-height: calc(100vh - 270px); overflow-y: auto; }}
.about {{ max-height: calc(100vh - 190px); overflow-y: auto; }}
.about .editorial {{ border-left: 3px solid {FOCUS}; padding-left: 10px; }}
.about .editorial-head {{ font-weight: 600; font-size: 0.85em; color: {SUBDUED}; }}
.about dl {{ display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 4px 0; }}
.about dt {{ font-weight: 600; }} .about dd {{ margin: 0; }}
.about .source a {{ padding: 0 !important; margin: 0 !important; }}
.about .full-title {{ font-size: 0.9em; color: {SUBDUED}; }}
#edition input {{ padding-right: 2.2em; text-overflow: ellipsis; }}
@media (min-width: 641px) {{
  #reader {{ position: sticky; top: 8px; align-self: flex-start; }}
}}
/* Phone: one scroll for the page; an opened article is a sheet over the page with a back control. */
@media (max-width: 640px) {{
  .viewer, .toc, .about {{ max-height: none; overflow: visible; }}
  #reader.sheet {{ position: fixed !important; inset: 0 !important; z-index: 1000; overflow-y: auto !important;
                          margin: 0 !important; max-width: none !important; min-width: 0 !important;
                          background: #ffffff; padding: 8px 12px; }}
  #reader.sheet .viewer-head {{ top: -8px; }}
  .app-header h1 {{ font-size: 1.3em; }}
  #tabs button {{ padding-left: 6px !important; padding-right: 6px !important; font-size: 0.9em; }}
}}
"""

# Outside Gradio's scoping of CSS (it prefixes every custom rule with its container): the container's
# overflow: hidden would make it the scroll box of the sticky reader column, which then never sticks;
# overflow: clip cuts the same overhang without being a scroll box.
HEAD = "<style>.gradio-container { overflow: clip !important; }</style>"
