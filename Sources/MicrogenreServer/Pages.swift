import Hummingbird
import MicrogenreCore
import MicrogenreIndex
import MicrogenrePersonalization
import MicrogenreQuery
import MicrogenreTagging

/// HTML text under construction: `text` escapes, `raw` does not. Every catalog string goes
/// through `text` (or `attribute`), so a title named `<script>` is shown, never run.
struct HTML {
    private(set) var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(64 << 10) }

    /// Markup written by this file.
    mutating func raw(_ markup: String) { bytes += markup.utf8 }

    /// Text, escaped for an element's content or a quoted attribute value.
    mutating func text(_ text: String) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "&"): bytes += "&amp;".utf8
            case UInt8(ascii: "<"): bytes += "&lt;".utf8
            case UInt8(ascii: ">"): bytes += "&gt;".utf8
            case UInt8(ascii: "\""): bytes += "&quot;".utf8
            case UInt8(ascii: "'"): bytes += "&#39;".utf8
            default: bytes.append(byte)
            }
        }
    }

    /// `name="value"`, the value escaped.
    mutating func attribute(_ name: String, _ value: String) {
        raw(" \(name)=\"")
        text(value)
        raw("\"")
    }

    /// `text` escaped as a string.
    static func escaped(_ text: String) -> String {
        var html = HTML()
        html.text(text)
        return String(decoding: html.bytes, as: UTF8.self)
    }

    /// `text` percent-encoded for a URL's path segment or query value: everything but
    /// letters, digits and `-._~`.
    static func urlComponent(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.append(Character(UnicodeScalar(byte)))
            default:
                let hex = Array("0123456789ABCDEF")
                out += "%" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 15)])
            }
        }
        return out
    }
}

/// The pages people look at: `/` (a viewer's home page of micro-genre rows, or search results
/// with the query's facets and each result's explanation) and `/titles/{id}` (every tag of a
/// title with its score and evidence). Server-rendered HTML with one stylesheet and a small
/// script, both served from the binary.
enum Pages {
    /// Cards per row on the home page.
    static let cardsPerRow = 15
    /// Rows on the home page.
    static let rows = 40

    /// Registers `/`, `/titles/{id}` and the two static files on `router`.
    static func register(_ router: Router<BasicRequestContext>, engine: Engine, timeLimit: Double) {
        router.get("/") { request, _ in
            try await Routes.limited(timeLimit) { try home(request, engine) }
        }
        router.get("/titles/:id") { request, context in
            let id = Routes.percentDecoded(context.parameters.get("id") ?? "")
            let user = request.uri.queryParameters.get("user").map { String($0) }
            return try await Routes.limited(timeLimit) { try title(TitleID(id), user: user, engine) }
        }
        router.get("/static/app.css") { _, _ in
            asset(PageAssets.css, type: "text/css; charset=utf-8")
        }
        router.get("/static/icon.svg") { _, _ in
            asset(PageAssets.icon, type: "image/svg+xml")
        }
        router.get("/static/app.js") { _, _ in
            asset(PageAssets.javascript, type: "text/javascript; charset=utf-8")
        }
    }

    static func asset(_ text: String, type: String) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: type, .cacheControl: "public, max-age=3600", .init("X-Content-Type-Options")!: "nosniff",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// An HTML response with headers that keep the page to its own script and style.
    static func response(_ html: HTML, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [
                .contentType: "text/html; charset=utf-8",
                .init("Content-Security-Policy")!:
                    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
                .init("X-Content-Type-Options")!: "nosniff",
                .init("Referrer-Policy")!: "no-referrer",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: html.bytes)))
    }

    /// The page's head, header and the viewer and search forms.
    static func begin(_ html: inout HTML, title: String, user: String?, query: String?, engine: Engine) {
        html.raw("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        html.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>")
        html.text(title)
        html.raw(" · Microgenre</title><link rel=\"icon\" href=\"/static/icon.svg\" type=\"image/svg+xml\">")
        html.raw("<link rel=\"stylesheet\" href=\"/static/app.css\">")
        html.raw("<script src=\"/static/app.js\" defer></script></head><body>")
        html.raw("<a class=\"skip\" href=\"#main\">Skip to content</a><header><a class=\"brand\"")
        html.attribute("href", "/" + (user.map { "?user=" + HTML.urlComponent($0) } ?? ""))
        html.raw(">Microgenre</a>")
        html.raw("<form class=\"search\" role=\"search\" method=\"get\" action=\"/\">")
        html.raw("<label for=\"q\">Search</label><input id=\"q\" name=\"q\" type=\"search\" maxlength=\"2000\"")
        html.raw(" placeholder=\"dark witty female-led workplace comedy\"")
        html.attribute("value", query ?? "")
        html.raw(">")
        if let user {
            html.raw("<input type=\"hidden\" name=\"user\"")
            html.attribute("value", user)
            html.raw(">")
        }
        html.raw("<button type=\"submit\">Search</button></form>")
        html.raw("<form class=\"viewer\" method=\"get\" action=\"/\"><label for=\"user\">Viewer</label>")
        html.raw("<input id=\"user\" name=\"user\" list=\"users\" autocomplete=\"off\" maxlength=\"200\"")
        html.attribute("value", user ?? "")
        html.raw("><datalist id=\"users\">")
        for name in engine.users(limit: Engine.viewerCount) {
            html.raw("<option")
            html.attribute("value", name)
            html.raw(">")
        }
        html.raw("</datalist><button type=\"submit\">Show</button></form></header><main id=\"main\">")
    }

    static func end(_ html: inout HTML) {
        html.raw("</main><footer>Microgenre · <a href=\"/openapi.yaml\">API</a></footer></body></html>\n")
    }

    /// The first sentence of the title's longest synopsis (at most about 160 characters).
    static func firstLine(_ record: TitleRecord) -> String {
        guard let text = record.bestSynopsis(language: "en")?.text else { return "" }
        var line = ""
        var previous: Character = " "
        for character in text {
            if line.count >= 40, previous == ".", character == " " { break }
            line.append(character)
            previous = character
            if line.count >= 160 {
                line += "…"
                break
            }
        }
        return line
    }

    /// One title's card: a link to its page with its title, year, kind, first line and top
    /// facets as chips.
    static func card(
        _ html: inout HTML, _ id: TitleID, user: String?, engine: Engine, extra: (inout HTML) -> Void = { _ in }
    )
        throws
    {
        guard let (record, facets) = try engine.card(id) else { return }
        html.raw("<li><a class=\"card\"")
        html.attribute("href", titleLink(id, user: user))
        html.raw("><span class=\"name\">")
        html.text(record.title)
        html.raw("</span><span class=\"meta\">")
        html.text([record.year.map(String.init), record.kind.rawValue].compactMap { $0 }.joined(separator: " · "))
        html.raw("</span><span class=\"line\">")
        html.text(firstLine(record))
        html.raw("</span><span class=\"chips\">")
        for facet in facets.prefix(4) {
            html.raw("<span class=\"chip\">")
            html.text(facet.tag)
            html.raw("</span>")
        }
        html.raw("</span>")
        extra(&html)
        html.raw("</a></li>")
    }

    static func titleLink(_ id: TitleID, user: String?) -> String {
        "/titles/" + HTML.urlComponent(id.rawValue) + (user.map { "?user=" + HTML.urlComponent($0) } ?? "")
    }

    /// `/`: search results for `q`, else the viewer's rows (the cold-start page for a newcomer).
    static func home(_ request: Request, _ engine: Engine) throws -> Response {
        let parameters = request.uri.queryParameters
        let user = parameters.get("user").map { String($0) }.flatMap { $0.isEmpty ? nil : $0 }
        let query = parameters.get("q").map { String($0) }.flatMap { $0.isEmpty ? nil : $0 }
        var html = HTML()
        begin(&html, title: query ?? user.map { "Home of \($0)" } ?? "Home", user: user, query: query, engine: engine)
        var status = HTTPResponse.Status.ok
        if let query {
            status = try results(&html, query: query, user: user, engine: engine)
        } else {
            try rows(&html, user: user, engine: engine)
        }
        end(&html)
        return response(html, status: status)
    }

    /// The rows of a viewer's home page, each with its name, why it was chosen, and its cards.
    static func rows(_ html: inout HTML, user: String?, engine: Engine) throws {
        let viewer = user ?? ""
        guard let (rows, catalog) = engine.pageRows(user: viewer, rows: rows, perRow: cardsPerRow) else {
            html.raw("<p class=\"notice\">No viewing events: start the server with <code>--events DB</code> ")
            html.raw("for home pages. Search works without them.</p>")
            return
        }
        html.raw("<h1>")
        if let user, engine.hasHistory(user) {
            html.raw("For ")
            html.text(user)
            html.raw("</h1><p class=\"lede\">From a history that includes ")
            html.text(engine.liked(user, limit: 3).joined(separator: "; "))
            html.raw(".</p>")
        } else {
            html.raw(user == nil ? "Popular right now" : "Welcome, ")
            if let user { html.text(user) }
            html.raw("</h1><p class=\"lede\">")
            html.raw(
                user == nil
                    ? "Pick a viewer above for their own rows; this is the page for a newcomer."
                    : "No viewing history yet: the popular, varied page every newcomer gets.")
            html.raw("</p>")
        }
        for (k, row) in rows.enumerated() {
            html.raw("<section class=\"row\" aria-labelledby=\"row-\(k)\"><h2 id=\"row-\(k)\">")
            html.text(row.name)
            html.raw("</h2><details class=\"why\"><summary>Why this row</summary><p>")
            html.text(why(row, catalog: catalog, engine: engine))
            html.raw("</p></details><ul class=\"cards\">")
            for doc in row.titles { try card(&html, catalog.ids[doc], user: user, engine: engine) }
            html.raw("</ul></section>")
        }
    }

    /// What chose a row, in words.
    static func why(_ row: PageRow, catalog: CatalogFeatures, engine: Engine) -> String {
        let names = row.because.prefix(3).compactMap { doc in
            try? engine.card(catalog.ids[doc]).map { $0.record.title }
        }
        let facets = row.facets.map { "\($0.tag) \(formatted($0.affinity))" }.joined(separator: ", ")
        switch row.kind {
        case .topPicks:
            return names.isEmpty
                ? "The most watched titles of the catalog, most popular first."
                : "The titles the viewer's history points to most, whatever their genre; led by \(names.joined(separator: "; "))."
        case .becauseYouWatched:
            return "Titles that viewers who finished \(names.first ?? "it") also finished."
        case .genre:
            var text = "A micro-genre mined from the catalog's facets (\(row.titles.count) shown)."
            if !facets.isEmpty { text += " The viewer's affinity for its facets: \(facets)." }
            if !names.isEmpty { text += " From \(names.joined(separator: "; "))." }
            return text
        }
    }

    static func formatted(_ value: Double) -> String {
        let scaled = (value * 100).rounded() / 100
        return String(scaled)
    }

    /// Search results: the parse as chips, then each result with its explanation. A malformed
    /// query shows its error and column (status 400).
    static func results(_ html: inout HTML, query: String, user: String?, engine: Engine) throws -> HTTPResponse.Status
    {
        guard query.count <= Routes.maximumQueryLength else {
            html.raw(
                "<p class=\"error\" role=\"alert\">The query is longer than \(Routes.maximumQueryLength) characters.</p>"
            )
            return .badRequest
        }
        let parsed: ParsedQuery
        do {
            parsed = try engine.parse(query)
        } catch let error as QueryError {
            html.raw("<p class=\"error\" role=\"alert\">")
            html.text("\(error.message) (column \(error.range.lowerBound + 1))")
            html.raw("</p>")
            return .badRequest
        }
        html.raw("<h1>Results for “")
        html.text(query)
        html.raw("”</h1><section class=\"parse\" aria-label=\"How the query was understood\"><h2>Understood as</h2>")
        html.raw("<ul class=\"chips parsed\">")
        func chip(_ kind: String, _ text: String) {
            html.raw("<li class=\"chip \(kind)\"><span class=\"kind\">\(kind)</span> ")
            html.text(text)
            html.raw("</li>")
        }
        for facet in parsed.facets { chip("facet", "\(facet.facet): \(facet.tag.rawValue) ← “\(facet.text)”") }
        for name in parsed.names { chip("person", name.text) }
        for phrase in parsed.phrases { chip("phrase", phrase.text) }
        for term in parsed.terms { chip("word", term.text) }
        for filter in parsed.filters { chip("filter", filter.text) }
        for facet in parsed.excludedFacets { chip("not", "\(facet.facet): \(facet.tag.rawValue)") }
        for term in parsed.excludedTerms { chip("not", term.text) }
        html.raw("</ul></section>")
        var entries: [(hit: SearchHit, personal: PersonalizedHit?)] = []
        let (plain, mode) = engine.search(parsed, limit: 30, explain: true)
        if let user, let ranked = engine.personalSearch(parsed, user: user, limit: 30) {
            let explained = Dictionary(plain.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            entries = ranked.map { (explained[$0.hit.id] ?? $0.hit, $0.result) }
            html.raw("<p class=\"lede\">Ranked for ")
            html.text(user)
            html.raw(" from the best 200 matches (\(mode.rawValue) search).</p>")
        } else {
            entries = plain.map { ($0, nil) }
            html.raw("<p class=\"lede\">\(mode.rawValue.capitalized) search: words, facets")
            html.raw(mode == .lexical ? "" : " and meaning")
            html.raw(".</p>")
        }
        if entries.isEmpty {
            html.raw("<p class=\"notice\">No title matches.</p>")
            return .ok
        }
        html.raw("<ol class=\"results\">")
        for entry in entries {
            try card(&html, entry.hit.id, user: user, engine: engine) { html in
                html.raw("<span class=\"explain\">")
                html.text(explanation(entry.hit, entry.personal))
                html.raw("</span>")
            }
        }
        html.raw("</ol>")
        return .ok
    }

    /// Why a result ranks where it does: its matched facets, its words, its meaning, the
    /// viewer's taste.
    static func explanation(_ hit: SearchHit, _ personal: PersonalizedHit?) -> String {
        var parts: [String] = []
        let matched = hit.facets.filter { $0.score >= 0.05 }
        if !matched.isEmpty {
            parts.append("facets " + matched.map { "\($0.tag) \(formatted($0.score))" }.joined(separator: ", "))
        }
        if hit.text > 0 {
            let fields = hit.fields.map { "\($0.field) \(formatted($0.score))" }.joined(separator: ", ")
            parts.append("words \(formatted(hit.text))" + (fields.isEmpty ? "" : " (\(fields))"))
        }
        if let semantic = hit.semantic {
            parts.append("meaning \(formatted(semantic))" + (hit.semanticRank.map { " (rank \($0))" } ?? ""))
        }
        if let personal {
            parts.append("for the viewer \(formatted(personal.personal))")
        }
        return parts.joined(separator: " · ")
    }

    /// `/titles/{id}`: the title, its synopsis, and every tag with its score as a bar and its
    /// evidence.
    static func title(_ id: TitleID, user: String?, _ engine: Engine) throws -> Response {
        var html = HTML()
        guard let (record, tags) = try engine.title(id) else {
            begin(&html, title: "Not found", user: user, query: nil, engine: engine)
            html.raw("<h1>No such title</h1><p class=\"notice\">The index holds no title with id ")
            html.text(id.rawValue)
            html.raw(".</p>")
            end(&html)
            return response(html, status: .notFound)
        }
        begin(&html, title: record.title, user: user, query: nil, engine: engine)
        html.raw("<article class=\"title\"><h1>")
        html.text(record.title)
        html.raw("</h1><p class=\"meta\">")
        var meta = [record.year.map(String.init), record.kind.rawValue].compactMap { $0 }
        if let runtime = record.runtimeMinutes { meta.append("\(runtime) min") }
        if !record.genres.isEmpty { meta.append(record.genres.joined(separator: ", ")) }
        meta.append("id " + record.id.rawValue)
        html.text(meta.joined(separator: " · "))
        html.raw("</p>")
        if let synopsis = record.bestSynopsis(language: "en") {
            html.raw("<p class=\"synopsis\">")
            html.text(synopsis.text)
            html.raw("</p>")
        }
        html.raw("<h2>Tags</h2><table class=\"tags\"><thead><tr><th scope=\"col\">Tag</th>")
        html.raw(
            "<th scope=\"col\">Facet</th><th scope=\"col\">Score</th><th scope=\"col\">Evidence</th></tr></thead><tbody>"
        )
        for tag in tags.sorted(by: { $0.score > $1.score }) {
            let facet = engine.taxonomy[tag.tag]?.facet ?? ""
            let percent = Int((max(0, min(1, tag.score)) * 100).rounded())
            html.raw("<tr><th scope=\"row\">")
            html.text(tag.tag.rawValue)
            html.raw("</th><td>")
            html.text(facet)
            html.raw("</td><td><span class=\"bar\" role=\"meter\" aria-valuemin=\"0\" aria-valuemax=\"1\"")
            html.attribute("aria-valuenow", formatted(tag.score))
            html.attribute("aria-label", "\(tag.tag.rawValue) score")
            html.raw("><span class=\"fill w\(percent)\"></span></span> <span class=\"score\">")
            html.text(String(format3(tag.score)))
            html.raw("</span></td><td><ul class=\"evidence\">")
            for evidence in tag.evidence {
                html.raw("<li><span class=\"source\">")
                let field =
                    evidence.field.isEmpty || evidence.field == evidence.source.rawValue ? "" : " · " + evidence.field
                html.text(evidence.source.rawValue + field)
                html.raw("</span> ")
                html.text(evidence.text)
                html.raw(" <span class=\"weight\">")
                html.text(formatted(evidence.weight))
                html.raw("</span></li>")
            }
            html.raw("</ul></td></tr>")
        }
        html.raw("</tbody></table></article>")
        end(&html)
        return response(html)
    }

    static func format3(_ value: Double) -> String {
        let scaled = (value * 1000).rounded() / 1000
        return String(scaled)
    }
}
