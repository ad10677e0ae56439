"""The page's JavaScript: citation clicks, the viewer's focus and highlight, "Back to answer", the phone
sheet, "Copy link", "Copy answer" and "Download as Markdown".

Component scripts (js_on_load of a gr.HTML) see `element`, `trigger` and `watch`; PAGE runs once for
the whole page and handles the buttons inside rendered HTML by event delegation, so it survives every
re-render of the conversation and the viewer.
"""

# A plain click on a [data-cite] link becomes a "click" event carrying the node id; a click with a
# modifier key (new tab, new window) follows the link's real href, the permalink. A click inside the
# conversation remembers which link it was, for "Back to answer".
CLICKS = """
element.addEventListener('click', (event) => {
  const a = event.target.closest('a[data-cite]');
  if (!a || a.dataset.copy || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
  event.preventDefault();
  const turn = a.closest('.turn');
  if (turn) {
    const turns = [...document.querySelectorAll('#conversation .turn')];
    window.treatyReturn = {turn: turns.indexOf(turn), cite: a.dataset.cite};
  } else if (!a.closest('#viewer')) {
    window.treatyReturn = null;
  }
  window.treatyOpening = true;
  trigger('click', {cite: a.dataset.cite});
});
"""

# The viewer mounts only when its tab first shows and may sit in a hidden tab when its value changes,
# so the work waits a moment; focus goes to the article heading only when a reader asked for an article.
VIEWER = CLICKS + """
const show = () => setTimeout(() => {
  const view = element.querySelector('.viewer');
  if (!view) return;
  const back = view.querySelector('.back-to-answer');
  const phone = window.matchMedia('(max-width: 640px)').matches;
  if (back) {
    back.hidden = !(window.treatyReturn || phone);
    back.textContent = window.treatyReturn ? '\u2190 Back to answer' : '\u2190 Back';
  }
  // A permalink (?cite=…) counts as the reader asking for that article.
  if (!window.treatyArrived && new URLSearchParams(location.search).get('cite') === view.dataset.cited) {
    window.treatyArrived = true;
    window.treatyOpening = true;
  }
  if (window.treatyOpening) {
    window.treatyOpening = false;
    if (phone) document.getElementById('reader').classList.add('sheet');
    const heading = view.querySelector('.article-heading');
    if (heading) heading.focus({preventScroll: true});
    if (!phone) document.getElementById('reader').scrollIntoView({block: 'nearest'});
  }
  const h = view.querySelector('.hl');
  if (h) h.scrollIntoView({block: 'center'});
}, 200);
watch('value', show); show();
"""

CONVERSATION = CLICKS + """
watch('value', () => setTimeout(() => {
  const t = element.querySelectorAll('.turn');
  if (t.length) t[t.length - 1].scrollIntoView({block: 'start'});
}, 50));
"""

# Runs once on page load (gr.Blocks.launch(js=...)).
PAGE = """
() => {
  const say = (box, text) => { const s = box && box.querySelector('[role=status]'); if (s) s.textContent = text; };
  const copy = async (text) => {
    try { await navigator.clipboard.writeText(text); return true; } catch (e) {
      const area = document.createElement('textarea');
      area.value = text; document.body.appendChild(area); area.select();
      const ok = document.execCommand('copy'); area.remove(); return ok;
    }
  };
  const page = () => location.origin + location.pathname;
  const markdown = (turn) => turn.querySelector('.answer-md').textContent.replaceAll('%PAGE%', page());
  document.addEventListener('click', async (event) => {
    const back = event.target.closest('.back-to-answer');
    if (back) {
      event.preventDefault();
      document.getElementById('reader').classList.remove('sheet');
      const at = window.treatyReturn;
      const turn = at && document.querySelectorAll('#conversation .turn')[at.turn];
      const target = turn && (turn.querySelector(`a.cite[data-cite="${CSS.escape(at.cite)}"]`) || turn);
      // Without an answer to return to (opened from Contents or Look up), back to the tab it came from.
      const place = target || document.querySelector('#tabs [role=tab][aria-selected=true]') || document.querySelector('#question textarea');
      place.scrollIntoView({block: 'center'});
      place.focus({preventScroll: true});
      return;
    }
    const link = event.target.closest('a.copy-link');
    if (link) {
      event.preventDefault();
      const url = new URL(link.getAttribute('href'), page()).href;
      say(link.parentElement, (await copy(url)) ? 'Link copied.' : 'Copy failed; the link is: ' + url);
      return;
    }
    const button = event.target.closest('.copy-answer, .download-answer');
    if (!button) return;
    const turn = button.closest('.turn');
    const text = markdown(turn);
    if (button.classList.contains('copy-answer')) {
      say(button.parentElement, (await copy(text)) ? 'Answer copied.' : 'Copy failed.');
      return;
    }
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([text], {type: 'text/markdown'}));
    a.download = 'treaty-qa-answer.md';
    document.body.appendChild(a); a.click(); a.remove();
    say(button.parentElement, 'Downloaded.');
  });
}
"""
