import MicrogenreCore

/// Microgenre's own feed format: `<catalog>` holding `<title id="..." kind="...">` records.
/// The README documents every element.
struct MicrogenreFeedMapper: RecordMapper {
    /// The elements of a `<title>`, by the position of their names in ``names``.
    enum Element: Int32, CaseIterable {
        case name, subtitle, originalName, year, synopsis, genre, keyword, country, language, person, rating
        case runtime, parent, season, episode

        var tag: String {
            switch self {
            case .originalName: "original-name"
            default: "\(self)"
            }
        }
    }

    /// Element names looked up as bytes: a `String` per child element cost more than its text.
    static let names = ByteStringTable(Element.allCases.map(\.tag))
    /// Attribute values looked up as bytes, by the position of their case.
    static let kinds = ByteStringTable(TitleKind.allCases.map(\.rawValue))
    static let lengths = ByteStringTable(Synopsis.Length.allCases.map(\.rawValue))
    static let roles = ByteStringTable(Credit.Role.allCases.map(\.rawValue))

    func isRecord(localName: String, depth: Int) -> Bool { depth == 1 && localName == "title" }

    func map(_ element: XMLNodeView, _ context: inout MappingContext) throws -> TitleRecord? {
        let id = context.attribute(element, "id", "id")
        let name = try context.field(element.child("name"), "name")
        guard let (titleID, title) = require(id: id, title: name, element: element, &context, what: "title") else {
            return nil
        }
        var kind = TitleKind.movie
        if let known = element.attribute("kind", in: Self.kinds) {
            kind = TitleKind.allCases[Int(known)]
        } else if let kindName = element.attribute("kind") {
            if let parsed = TitleKind(name: kindName) {
                kind = parsed
            } else {
                context.warn(element.line, "title '\(titleID)': unknown kind '\(kindName)', read as movie")
            }
        }
        var record = TitleRecord(id: titleID, kind: kind, title: title, source: context.location(element.line))
        var next = element.firstChild
        while let child = next {
            next = child.nextSibling
            guard let known = child.nameID(in: Self.names, cache: context.elementNames).flatMap(Element.init(rawValue:))
            else {
                context.warnOnce(
                    "element:\(child.name)", child.line, "unknown element <\(child.name)> in <title> ignored")
                continue
            }
            switch known {
            case .name: break
            case .subtitle: record.subtitle = try context.field(child, "subtitle")
            case .originalName: record.originalTitle = try context.field(child, "original-name")
            case .year:
                let text = try context.field(child, "year")
                record.year = Values.year(text)
                if record.year == nil {
                    context.warn(child.line, "title '\(titleID)': year '\(text ?? "")' is not a year")
                }
            case .synopsis:
                guard let text = try context.synopsisText(child, "synopsis") else { continue }
                let declared = child.attribute("length", in: Self.lengths).map { Synopsis.Length.allCases[Int($0)] }
                let length = declared ?? Values.synopsisLength(of: text)
                if declared == nil, let lengthName = child.attribute("length") {
                    context.warn(
                        child.line, "title '\(titleID)': synopsis length '\(lengthName)' is not short, medium or long")
                }
                record.synopses.append(Synopsis(length: length, language: child.attribute("lang"), text: text))
            case .genre:
                context.append(try context.field(child, "genre"), to: &record.genres, "genre", line: child.line)
            case .keyword:
                context.append(try context.field(child, "keyword"), to: &record.keywords, "keyword", line: child.line)
            case .country:
                context.append(try context.field(child, "country"), to: &record.countries, "country", line: child.line)
            case .language:
                context.append(
                    try context.field(child, "language"), to: &record.languages, "language", line: child.line)
            case .person:
                guard let name = try context.field(child, "person") else { continue }
                var role = Credit.Role.cast
                if let known = child.attribute("role", in: Self.roles) {
                    role = Credit.Role.allCases[Int(known)]
                } else if let roleName = child.attribute("role") {
                    role = .other
                    context.warnOnce("role:\(roleName)", child.line, "unknown person role '\(roleName)', read as other")
                }
                if context.hasRoom(record.people.count, in: "person", line: child.line) {
                    record.people.append(Credit(name: name, role: role, character: child.attribute("character")))
                }
            case .rating:
                if let value = try context.field(child, "rating") {
                    record.rating = MaturityRating(system: child.attribute("system") ?? "", value: value)
                }
            case .runtime: record.runtimeMinutes = Values.minutes(try context.field(child, "runtime"))
            case .parent:
                let parent = try context.field(child, "parent")
                record.parentID = (child.attribute("id") ?? parent).map(TitleID.init)
            case .season: record.seasonNumber = Values.integer(try context.field(child, "season"))
            case .episode: record.episodeNumber = Values.integer(try context.field(child, "episode"))
            }
        }
        return record
    }
}
