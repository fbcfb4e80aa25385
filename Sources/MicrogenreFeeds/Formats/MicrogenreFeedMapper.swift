import MicrogenreCore

/// Microgenre's own feed format: `<catalog>` holding `<title id="..." kind="...">` records.
/// The README documents every element.
struct MicrogenreFeedMapper: RecordMapper {
    func isRecord(localName: String, depth: Int) -> Bool { depth == 1 && localName == "title" }

    func map(_ element: XMLNodeView, _ context: inout MappingContext) throws -> TitleRecord? {
        let id = context.attribute(element, "id", "id")
        let name = try context.field(element.child("name"), "name")
        guard let (titleID, title) = require(id: id, title: name, element: element, &context, what: "title") else {
            return nil
        }
        var kind = TitleKind.movie
        if let kindName = element.attribute("kind") {
            if let parsed = TitleKind(name: kindName) {
                kind = parsed
            } else {
                context.warn(element.line, "title '\(titleID)': unknown kind '\(kindName)', read as movie")
            }
        }
        var record = TitleRecord(id: titleID, kind: kind, title: title, source: context.location(element.line))
        for child in element.children {
            let line = child.line
            switch child.name {
            case "name": break
            case "subtitle": record.subtitle = try context.field(child, "subtitle")
            case "original-name": record.originalTitle = try context.field(child, "original-name")
            case "year":
                let text = try context.field(child, "year")
                record.year = Values.year(text)
                if record.year == nil { context.warn(line, "title '\(titleID)': year '\(text ?? "")' is not a year") }
            case "synopsis":
                guard let text = try context.synopsisText(child, "synopsis") else { continue }
                let lengthName = child.attribute("length")
                let length = lengthName.flatMap(Synopsis.Length.init(rawValue:)) ?? Values.synopsisLength(of: text)
                if let lengthName, Synopsis.Length(rawValue: lengthName) == nil {
                    context.warn(
                        line, "title '\(titleID)': synopsis length '\(lengthName)' is not short, medium or long")
                }
                record.synopses.append(Synopsis(length: length, language: child.attribute("lang"), text: text))
            case "genre": context.append(try context.field(child, "genre"), to: &record.genres, "genre", line: line)
            case "keyword":
                context.append(try context.field(child, "keyword"), to: &record.keywords, "keyword", line: line)
            case "country":
                context.append(try context.field(child, "country"), to: &record.countries, "country", line: line)
            case "language":
                context.append(try context.field(child, "language"), to: &record.languages, "language", line: line)
            case "person":
                guard let name = try context.field(child, "person") else { continue }
                let roleName = child.attribute("role") ?? "cast"
                let role = Credit.Role(rawValue: roleName) ?? .other
                if Credit.Role(rawValue: roleName) == nil {
                    context.warnOnce("role:\(roleName)", line, "unknown person role '\(roleName)', read as other")
                }
                if record.people.count < context.options.maxListEntries {
                    record.people.append(Credit(name: name, role: role, character: child.attribute("character")))
                }
            case "rating":
                if let value = try context.field(child, "rating") {
                    record.rating = MaturityRating(system: child.attribute("system") ?? "", value: value)
                }
            case "runtime": record.runtimeMinutes = Values.minutes(try context.field(child, "runtime"))
            case "parent":
                let parent = try context.field(child, "parent")
                record.parentID = (child.attribute("id") ?? parent).map(TitleID.init)
            case "season": record.seasonNumber = Values.integer(try context.field(child, "season"))
            case "episode": record.episodeNumber = Values.integer(try context.field(child, "episode"))
            default:
                context.warnOnce("element:\(child.name)", line, "unknown element <\(child.name)> in <title> ignored")
            }
        }
        return record
    }
}
