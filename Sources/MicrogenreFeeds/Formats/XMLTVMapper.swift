import MicrogenreCore

/// XMLTV listings: each `<programme>` is one airing, mapped to a title whose id is the
/// channel and the airing's start and stop (`CHANNEL@START/STOP`), unique per listing.
/// Elements may come in any order (real listings ignore the DTD's).
struct XMLTVMapper: RecordMapper {
    func isRecord(localName: String, depth: Int) -> Bool { depth == 1 && localName == "programme" }

    func map(_ element: XMLNodeView, _ context: inout MappingContext) throws -> TitleRecord? {
        let channel = element.attribute("channel")
        let start = element.attribute("start")
        var id: String?
        if let channel, let start {
            id = "\(channel)@\(start.filter { $0 != " " })"
            if let stop = element.attribute("stop") { id! += "/" + stop.filter { $0 != " " } }
        }
        let titles = element.children("title")
        let title = try context.field(titles.first, "title")
        guard let (titleID, titleText) = require(id: id, title: title, element: element, &context, what: "programme")
        else { return nil }

        var record = TitleRecord(id: titleID, kind: .special, title: titleText, source: context.location(element.line))
        var hasEpisodeNumber = false
        for child in element.children {
            let line = child.line
            switch child.name {
            case "sub-title": if record.subtitle == nil { record.subtitle = try context.field(child, "sub-title") }
            case "desc":
                if let text = try context.synopsisText(child, "desc") {
                    record.synopses.append(
                        Synopsis(length: Values.synopsisLength(of: text), language: child.attribute("lang"), text: text)
                    )
                }
            case "category":
                context.append(try context.field(child, "category"), to: &record.genres, "category", line: line)
            case "keyword":
                context.append(try context.field(child, "keyword"), to: &record.keywords, "keyword", line: line)
            case "country":
                context.append(try context.field(child, "country"), to: &record.countries, "country", line: line)
            case "language", "orig-language":
                context.append(try context.field(child, "language"), to: &record.languages, "language", line: line)
            case "date": record.year = Values.year(try context.field(child, "date"))
            case "length":
                let value = Values.integer(try context.field(child, "length"))
                switch child.attribute("units") {
                case "hours": record.runtimeMinutes = value.map { $0 * 60 }
                case "seconds": record.runtimeMinutes = value.map { ($0 + 30) / 60 }
                default: record.runtimeMinutes = value
                }
            case "credits": try mapCredits(child, into: &record, &context)
            case "rating":
                if record.rating == nil, let value = try context.field(child.child("value"), "rating") {
                    record.rating = MaturityRating(system: child.attribute("system") ?? "", value: value)
                }
            case "episode-num":
                hasEpisodeNumber = true
                let text = try context.field(child, "episode-num") ?? ""
                switch child.attribute("system") {
                case "xmltv_ns": parseXMLTVNumbering(text, into: &record)
                case "onscreen": parseOnscreenNumbering(text, into: &record)
                default: break
                }
            default: break
            }
        }
        let categories = record.genres.map { $0.lowercased() }
        if categories.contains(where: { $0 == "movie" || $0 == "movies" || $0 == "film" || $0.contains("feature film") }
        ) {
            record.kind = .movie
        } else if hasEpisodeNumber || record.subtitle != nil {
            record.kind = .episode
        }
        return record
    }

    private func mapCredits(_ credits: XMLNodeView, into record: inout TitleRecord, _ context: inout MappingContext)
        throws
    {
        for person in credits.children {
            let text = try person.ownText(&context)
            guard let name = context.limited(text, person.name, line: person.line, limit: context.options.maxFieldBytes)
            else { continue }
            let role: Credit.Role =
                switch person.name {
                case "director": .director
                case "actor", "guest": .cast
                case "writer", "adapter": .writer
                case "producer": .producer
                case "composer": .composer
                case "presenter", "commentator": .presenter
                default: .other
                }
            guard context.hasRoom(record.people.count, in: "person", line: person.line) else { break }
            record.people.append(Credit(name: name, role: role, character: person.attribute("role")))
        }
    }

    /// `xmltv_ns` numbering is zero-based `season.episode.part`, each optionally `n/total`.
    private func parseXMLTVNumbering(_ text: String, into record: inout TitleRecord) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        func number(_ k: Int) -> Int? {
            guard k < parts.count, let first = parts[k].split(separator: "/").first else { return nil }
            return Int(first.trimmingCharacters(in: " ")).map { $0 + 1 }
        }
        record.seasonNumber = number(0)
        record.episodeNumber = number(1)
    }

    /// `onscreen` numbering such as `S01E05` or `S1 E5`.
    private func parseOnscreenNumbering(_ text: String, into record: inout TitleRecord) {
        let upper = text.uppercased()
        func number(after marker: Character) -> Int? {
            guard let index = upper.firstIndex(of: marker) else { return nil }
            return Int(String(upper[upper.index(after: index)...].prefix(while: \.isNumber)))
        }
        record.seasonNumber = number(after: "S")
        record.episodeNumber = number(after: "E")
    }
}

extension Substring {
    func trimmingCharacters(in set: Character) -> String {
        var s = self
        while s.first == set { s.removeFirst() }
        while s.last == set { s.removeLast() }
        return String(s)
    }
}
