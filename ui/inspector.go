package ui

import (
	"fmt"
	"sort"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"agentcore-workshop/internal/i18n"
	"agentcore-workshop/internal/jwtx"
	"agentcore-workshop/steps/engine"
)

// What the inspector says, in one place for the message catalog.
const (
	inspStageN        = "stage %d"
	inspTitle         = "%s · stage %d %s"
	inspNoToken       = "no stage holds a token yet: the first stage signs you in and gets one"
	inspTokenIn       = "this stage has no token: %s has one"
	inspTokensIn      = "this stage has no token: %s and %s have one"
	inspFailed        = "could not inspect the token: "
	inspReading       = "reading the token…"
	inspKindToken     = "token"
	inspKindAccess    = "access token"
	inspKindID        = "ID token"
	inspHasAud        = "has aud: a runtime with allowedClients would refuse it"
	inspNoAud         = "no aud: the runtime's allowedClients checks client_id"
	inspNoAudNoClient = "no aud and no client_id: a runtime with allowedClients would refuse it"
	inspExpiredNote   = ": the runtime refuses it; run the stage again for a fresh one"
	inspExpiry        = "expiry"
	inspExpAt         = "  (exp %s UTC)"
	inspNoExp         = "no exp claim: nothing says when this token stops working"
	inspHeader        = "Header"
	inspClaims        = "Claims"
	inspNone          = "(none)"
	inspRaw           = "Raw token"
	inspRawHide       = "  (v hides it)"
	inspRawShow       = "  hidden: press v to show it"
	inspFullHint      = "esc close · v raw · ↑↓ scroll"
	inspClosedRerun   = "closed the token inspector: its stage is running again"
)

// headerMeanings explains the JOSE header fields a learner meets.
var headerMeanings = map[string]string{
	"alg": i18n.M("how it was signed; the runtime checks it with the pool's public key"),
	"kid": i18n.M("which key of the pool's JWKS (behind the discovery URL) signed it"),
	"typ": i18n.M("the token's media type"),
}

// inspector is the token overlay's state. The raw token is held only while
// the overlay is open; closing it forgets the token.
type inspector struct {
	open    bool
	seq     int // request number: replies for an earlier opening are dropped
	stepID  string
	title   string
	loading bool
	raw     string
	tok     jwtx.Token
	showRaw bool

	lines  []string // the body, rebuilt in Update (open, tick, resize, v)
	rawAt  int      // index of the raw token's heading in lines
	scroll int
}

// tokenMsg carries a token read and decoded off the event loop.
type tokenMsg struct {
	seq int
	raw string
	tok jwtx.Token
	err error
}

// tokenValue is the first JWT result of a stage.
func tokenValue(s engine.StageState) (engine.Value, bool) {
	for _, v := range s.Result.Values {
		if v.Kind == engine.KindToken {
			return v, true
		}
	}
	return engine.Value{}, false
}

// noTokenReason says why t did nothing and where a token can be found:
// the stages whose results hold one (the UI learns it from the results, so
// it knows nothing of which stages make tokens).
func (m *Model) noTokenReason(s engine.StageState) string {
	var have []string
	for _, st := range m.stages {
		if _, ok := tokenValue(st); ok {
			have = append(have, m.tr.Sprintf(inspStageN, st.Index))
		}
	}
	switch len(have) {
	case 0:
		return m.tr.T(inspNoToken)
	case 1:
		return m.tr.Sprintf(inspTokenIn, have[0])
	}
	return m.tr.Sprintf(inspTokensIn, strings.Join(have[:len(have)-1], ", "), have[len(have)-1])
}

// openInspector opens the overlay at once (showing that it is reading) and
// reads and decodes the token in a Cmd: the secrets file is disk I/O.
func (m *Model) openInspector() tea.Cmd {
	s, ok := m.selected()
	if !ok {
		return nil
	}
	v, ok := tokenValue(s)
	if !ok {
		return m.setStatus(m.noTokenReason(s))
	}
	seq := m.insp.seq + 1
	m.insp = inspector{
		open: true, seq: seq, loading: true, stepID: s.ID,
		title: m.tr.Sprintf(inspTitle, m.tr.T(v.Name), s.Index, m.title(s)),
	}
	m.rebuildInspector()
	eng, id, name, val, secret := m.eng, s.ID, v.Name, v.Value, v.Secret
	cmds := []tea.Cmd{func() tea.Msg {
		raw := val
		if secret || raw == "" {
			r, err := eng.Secret(id, name)
			if err != nil {
				return tokenMsg{seq: seq, err: fmt.Errorf("read %s: %w", name, err)}
			}
			raw = r
		}
		raw = strings.TrimSpace(raw)
		tok, err := jwtx.Decode(raw)
		if err != nil {
			return tokenMsg{seq: seq, err: fmt.Errorf("decode %s: %w", name, err)}
		}
		return tokenMsg{seq: seq, raw: raw, tok: tok}
	}}
	// The time left counts down while the overlay is open.
	if !m.ticking {
		m.ticking = true
		cmds = append(cmds, m.tickCmd())
	}
	return tea.Batch(cmds...)
}

func (m *Model) closeInspector() {
	m.insp = inspector{seq: m.insp.seq}
}

func (m *Model) applyToken(msg tokenMsg) tea.Cmd {
	if !m.insp.open || msg.seq != m.insp.seq {
		return nil // closed, or reopened since: this reply is stale
	}
	if msg.err != nil {
		m.closeInspector()
		return m.setStatus(m.tr.T(inspFailed) + msg.err.Error())
	}
	m.insp.loading, m.insp.raw, m.insp.tok = false, msg.raw, msg.tok
	m.rebuildInspector()
	return nil
}

// inspectorKey handles every key while the overlay is open: it gets input
// before anything else.
func (m Model) inspectorKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	switch {
	case msg.String() == "ctrl+c":
		m.closeInspector()
		return m.handleKey(msg) // quitting still works from here
	case key.Matches(msg, m.keys.Close), key.Matches(msg, m.keys.Token), msg.String() == "q":
		m.closeInspector()
		return m, nil
	case key.Matches(msg, m.keys.Reveal):
		if m.insp.loading {
			return m, nil
		}
		m.insp.showRaw = !m.insp.showRaw
		m.rebuildInspector()
		if m.insp.showRaw {
			m.insp.scroll = m.insp.rawAt // bring the raw token into view
		}
	case key.Matches(msg, m.keys.Up):
		m.insp.scroll--
	case key.Matches(msg, m.keys.Down):
		m.insp.scroll++
	case key.Matches(msg, m.keys.PageUp):
		m.insp.scroll -= max(m.inspBodyH()-1, 1)
	case key.Matches(msg, m.keys.PageDown):
		m.insp.scroll += max(m.inspBodyH()-1, 1)
	case msg.String() == "home":
		m.insp.scroll = 0
	case msg.String() == "end":
		m.insp.scroll = len(m.insp.lines)
	}
	m.clampInspector()
	return m, nil
}

// inspGeom places the overlay: a bordered box over the panes, or, when the
// window is too small for one, the whole window.
type inspGeom struct {
	full       bool
	x, y, w, h int // the box, borders included (full: the window)
	iw         int // text width inside
}

func (m *Model) inspGeom() inspGeom {
	g := m.geom()
	avail := m.height - 1 - g.footerH // keep the header, status and help visible
	if m.width < 32 || avail < 6 {
		return inspGeom{full: true, w: m.width, h: m.height, iw: max(m.width, 0)}
	}
	w := min(m.width-4, 104)
	h := min(len(m.insp.lines)+2, avail)
	return inspGeom{x: (m.width - w) / 2, y: 1 + (avail-h)/2, w: w, h: h, iw: w - 4}
}

// inspBodyH is how many body lines the overlay shows at once.
// Full-window, two rows go to a title and a key hint; boxed, to the border.
func (m *Model) inspBodyH() int {
	return max(m.inspGeom().h-2, 0)
}

func (m *Model) clampInspector() {
	m.insp.scroll = min(max(m.insp.scroll, 0), max(len(m.insp.lines)-m.inspBodyH(), 0))
}

// rebuildInspector lays the overlay's body out for the current width and
// clock. View only slices the result.
func (m *Model) rebuildInspector() {
	if !m.insp.open {
		return
	}
	iw := m.inspGeom().iw // the width does not depend on the body, so the body can be built for it
	var out []string
	add := func(lines ...string) { out = append(out, lines...) }
	if m.insp.loading {
		m.insp.lines = []string{m.st.Dim.Render(m.tr.T(inspReading))}
		m.clampInspector()
		return
	}
	tok, now := m.insp.tok, m.cfg.now()

	// What kind of token this is, and what the runtime makes of it.
	kind := m.tr.T(inspKindToken)
	switch tok.String("token_use") {
	case "access":
		kind = m.tr.T(inspKindAccess)
	case "id":
		kind = m.tr.T(inspKindID)
	}
	_, hasAud := tok.Claims["aud"]
	var verdict string
	switch {
	case hasAud:
		verdict = m.st.Warn.Render(m.tr.T(inspHasAud))
	case tok.String("client_id") != "":
		verdict = m.st.OK.Render(m.tr.T(inspNoAud))
	default:
		verdict = m.st.Warn.Render(m.tr.T(inspNoAudNoClient))
	}
	add(wrapLines(m.st.Title.Render(kind)+" · "+verdict, iw)...)

	if exp, ok := tok.Expiry(); ok {
		left := jwtx.Remaining(m.tr, exp, now)
		st := m.st.OK
		note := ""
		if !exp.After(now) {
			st = m.st.Fail
			note = m.tr.T(inspExpiredNote)
		}
		add(wrapLines(m.st.Name.Render(m.tr.T(inspExpiry))+"  "+st.Render(left)+note+m.st.Dim.Render(m.tr.Sprintf(inspExpAt, exp.UTC().Format("2006-01-02 15:04:05"))), iw)...)
	} else {
		add(wrapLines(m.st.Warn.Render(m.tr.T(inspNoExp)), iw)...)
	}

	// Header and claims share one set of columns.
	hdr := headerFields(m.tr, tok)
	claims := tok.Explain(m.tr, now)
	l := layoutFields(append(append([]jwtx.Claim(nil), hdr...), claims...), iw)

	add("", m.st.Title.Render(m.tr.T(inspHeader)))
	for _, f := range hdr {
		add(m.field(f, l)...)
	}
	add("", m.st.Title.Render(m.tr.T(inspClaims)))
	if len(claims) == 0 {
		add("  " + m.st.Dim.Render(m.tr.T(inspNone)))
	}
	for _, c := range claims {
		add(m.field(c, l)...)
	}

	add("")
	m.insp.rawAt = len(out)
	if m.insp.showRaw {
		add(m.st.Title.Render(m.tr.T(inspRaw)) + m.st.Dim.Render(m.tr.T(inspRawHide)))
		// A JWT has no spaces: break it at the width, not at words.
		add(indentLines(ansi.Hardwrap(m.insp.raw, max(iw-2, 1), false), "  ")...)
	} else {
		add(wrapLines(m.st.Title.Render(m.tr.T(inspRaw))+"  "+m.tr.T(secretMask)+m.st.Dim.Render(m.tr.T(inspRawShow)), iw)...)
	}
	m.insp.lines = out
	m.clampInspector()
}

// headerFields lists the JOSE header: alg and kid first, then the rest.
func headerFields(tr i18n.Printer, tok jwtx.Token) []jwtx.Claim {
	names := make([]string, 0, len(tok.Header))
	for n := range tok.Header {
		if n != "alg" && n != "kid" {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	var out []jwtx.Claim
	for _, n := range append([]string{"alg", "kid"}, names...) {
		v, ok := tok.Header[n]
		if !ok {
			continue
		}
		out = append(out, jwtx.Claim{Name: n, Value: fmt.Sprint(v), Meaning: tr.T(headerMeanings[n])})
	}
	return out
}

// fieldLayout is the column plan shared by the header and the claims.
type fieldLayout struct {
	nameW int
	valW  int // the value column: with meanings beside it, or all the room
	meanW int // the meaning column beside the value; 0 puts meanings underneath
	iw    int
}

// layoutFields picks the columns: name, value, and the meaning beside the
// value when there is room for a readable meaning column; otherwise the
// meaning goes under the value, or, very narrow, everything under the name.
func layoutFields(fields []jwtx.Claim, iw int) fieldLayout {
	l := fieldLayout{iw: iw}
	for _, f := range fields {
		l.nameW = max(l.nameW, ansi.StringWidth(f.Name))
	}
	l.nameW = min(l.nameW, 18)
	l.valW = iw - 2 - l.nameW - 2
	// The value column fits the widest value that leaves the meanings room;
	// wider ones (issuer URLs) take a row of their own.
	limit, col := l.valW*45/100, 0
	for _, f := range fields {
		if w := ansi.StringWidth(f.Value); w <= limit {
			col = max(col, w)
		}
	}
	if col > 0 && l.valW-col-2 >= 24 {
		l.valW, l.meanW = col, l.valW-col-2
	}
	return l
}

// field draws one name, value and meaning per the layout.
func (m *Model) field(c jwtx.Claim, l fieldLayout) []string {
	name := c.Name
	if ansi.StringWidth(name) > l.nameW {
		name = ansi.Truncate(name, l.nameW, "…")
	}
	if l.valW < 16 {
		w := max(l.iw-4, 1)
		lines := []string{"  " + m.st.Name.Render(name)}
		lines = append(lines, indentLines(ansi.Wrap(c.Value, w, ""), "    ")...)
		if c.Meaning != "" {
			lines = append(lines, indentLines(m.st.Dim.Render(ansi.Wrap(c.Meaning, w, "")), "    ")...)
		}
		return lines
	}
	pad := strings.Repeat(" ", 2+l.nameW+2)
	vals := strings.Split(ansi.Wrap(c.Value, l.valW, ""), "\n")
	var means []string
	if c.Meaning != "" {
		mw := l.meanW
		if mw == 0 {
			mw = l.valW
		}
		means = strings.Split(ansi.Wrap(c.Meaning, mw, ""), "\n")
	}
	first := "  " + m.st.Name.Render(name+strings.Repeat(" ", l.nameW-ansi.StringWidth(name))) + "  "
	if l.meanW == 0 {
		lines := []string{first + vals[0]}
		for _, v := range vals[1:] {
			lines = append(lines, pad+v)
		}
		for _, mn := range means {
			lines = append(lines, pad+m.st.Dim.Render(mn))
		}
		return lines
	}
	if ansi.StringWidth(c.Value) > l.valW {
		// A long value (an issuer URL) would be chopped up in its column:
		// give it whole rows and start the meaning under it.
		wide := l.valW + 2 + l.meanW
		var vl []string
		if strings.ContainsRune(c.Value, ' ') {
			vl = strings.Split(ansi.Wrap(c.Value, wide, ""), "\n")
		} else {
			vl = strings.Split(ansi.Hardwrap(c.Value, wide, false), "\n")
		}
		lines := []string{first + vl[0]}
		for _, v := range vl[1:] {
			lines = append(lines, pad+v)
		}
		for _, mn := range strings.Split(ansi.Wrap(c.Meaning, l.meanW, ""), "\n") {
			if mn != "" {
				lines = append(lines, pad+strings.Repeat(" ", l.valW+2)+m.st.Dim.Render(mn))
			}
		}
		return lines
	}
	// Value and meaning side by side, each wrapped in its own column.
	lines := make([]string, 0, max(len(vals), len(means)))
	for i := range max(len(vals), len(means)) {
		v, mn := "", ""
		if i < len(vals) {
			v = vals[i]
		}
		if i < len(means) {
			mn = m.st.Dim.Render(means[i])
		}
		lead := pad
		if i == 0 {
			lead = first
		}
		row := lead + v
		if mn != "" {
			row += strings.Repeat(" ", l.valW-ansi.StringWidth(v)+2) + mn
		}
		lines = append(lines, row)
	}
	return lines
}

func wrapLines(s string, w int) []string {
	return strings.Split(ansi.Wrap(s, max(w, 1), ""), "\n")
}

func indentLines(s, pre string) []string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = pre + l
	}
	return lines
}

// inspectorFull fills a window too small for the box: a title, the body,
// and a key hint, each clipped to the width.
func (m Model) inspectorFull(ig inspGeom) string {
	if ig.w <= 0 || ig.h <= 0 {
		return ""
	}
	lines := []string{fit(m.st.Title.Render(m.insp.title), ig.w)}
	for _, l := range visible(m.insp.lines, m.insp.scroll, ig.h-2) {
		lines = append(lines, fit(l, ig.w))
	}
	lines = append(lines, fit(m.st.Dim.Render(m.tr.T(inspFullHint)), ig.w))
	if len(lines) > ig.h {
		lines = lines[:ig.h]
	}
	return strings.Join(lines, "\n")
}
