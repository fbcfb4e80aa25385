import MicrogenreCore

/// TV-Anytime: `ProgramInformation` (programmes, keyed by `programId`) and `GroupInformation`
/// (series and seasons, keyed by `groupId`), each with its `BasicDescription`. Genre terms are
/// named through the TV-Anytime and DVB classification schemes.
struct TVAnytimeMapper: RecordMapper {
    func isRecord(localName: String, depth: Int) -> Bool {
        localName == "ProgramInformation" || localName == "GroupInformation"
    }

    func map(_ element: XMLNodeView, _ context: inout MappingContext) throws -> TitleRecord? {
        let isGroup = element.name == "GroupInformation"
        let id = element.attribute(isGroup ? "groupId" : "programId")
        let description = element.child("BasicDescription")
        let titles = description?.children("Title") ?? []
        let main = titles.first { ($0.attribute("type") ?? "main") == "main" } ?? titles.first
        let title = try context.field(main, "Title")
        guard let (titleID, titleText) = require(id: id, title: title, element: element, &context, what: element.name)
        else { return nil }
        var record = TitleRecord(id: titleID, kind: .special, title: titleText, source: context.location(element.line))

        if isGroup {
            let groupType = element.child("GroupType")?.attribute("value") ?? ""
            record.kind = groupType == "season" ? .season : .series
        }
        for other in titles where other.node != main?.node {
            switch other.attribute("type") {
            case "secondary", "episodeTitle":
                if record.subtitle == nil { record.subtitle = try context.field(other, "Title") }
            case "original": record.originalTitle = try context.field(other, "Title")
            default: break
            }
        }
        guard let description else { return record }
        for synopsis in description.children("Synopsis") {
            guard let text = try context.synopsisText(synopsis, "Synopsis") else { continue }
            let length: Synopsis.Length =
                switch synopsis.attribute("length") {
                case "short": .short
                case "medium": .medium
                case "long": .long
                default: Values.synopsisLength(of: text)
                }
            record.synopses.append(Synopsis(length: length, language: synopsis.language, text: text))
        }
        for keyword in description.children("Keyword") {
            context.append(try context.field(keyword, "Keyword"), to: &record.keywords, "keyword", line: keyword.line)
        }
        for genre in description.children("Genre") {
            let named = try context.field(genre.child("Name"), "Genre")
            let href = genre.attribute("href")
            let name = named ?? href.flatMap(Self.genreName)
            if name == nil, let href {
                context.warnOnce(
                    "genre:\(href)", genre.line, "genre term '\(href)' is not in a known classification scheme")
            }
            context.append(name, to: &record.genres, "genre", line: genre.line)
        }
        for item in description.child("CreditsList")?.children("CreditsItem") ?? [] {
            guard let name = try personName(item.child("PersonName"), &context) else { continue }
            let character = try personName(item.child("Character"), &context)
            if context.hasRoom(record.people.count, in: "person", line: item.line) {
                record.people.append(Credit(name: name, role: role(item.attribute("role") ?? ""), character: character))
            }
        }
        for release in description.children("ReleaseInformation") {
            let date = release.child("ReleaseDate")
            if record.year == nil {
                let year = Values.year(try context.field(date?.child("Year"), "Year"))
                record.year = try year ?? Values.year(context.field(date?.child("DayAndYear"), "DayAndYear"))
            }
        }
        for location in description.children("ProductionLocation") {
            context.append(
                try context.field(location, "ProductionLocation"), to: &record.countries, "country", line: location.line
            )
        }
        if record.year == nil {
            record.year = Values.year(
                try context.field(description.descendant("ProductionDate", "TimePoint"), "ProductionDate"))
        }
        for language in description.children("Language") {
            context.append(
                try context.field(language, "Language"), to: &record.languages, "language", line: language.line)
        }
        for guidance in description.children("ParentalGuidance") {
            if let href = guidance.child("ParentalRating")?.attribute("href"), record.rating == nil {
                let parts = href.split(separator: ":")
                if parts.count >= 2 {
                    record.rating = MaturityRating(
                        system: parts.dropLast().joined(separator: ":"), value: String(parts.last!))
                }
            } else if let age = try context.field(guidance.child("MinimumAge"), "MinimumAge"), record.rating == nil {
                record.rating = MaturityRating(system: "age", value: age)
            }
        }
        record.runtimeMinutes = Values.minutes(try context.field(description.child("Duration"), "Duration"))
        if let episodeOf = element.child("EpisodeOf") ?? element.child("MemberOf") {
            record.kind = isGroup ? record.kind : .episode
            record.parentID = episodeOf.attribute("crid").map(TitleID.init)
            if let index = episodeOf.attribute("index").flatMap(Int.init) {
                if isGroup { record.seasonNumber = index } else { record.episodeNumber = index }
            }
        }
        if !isGroup && record.kind == .special
            && record.genres.contains(where: { $0.lowercased().contains("movie") || $0.lowercased().contains("film") })
        {
            record.kind = .movie
        }
        return record
    }

    private func personName(_ node: XMLNodeView?, _ context: inout MappingContext) throws -> String? {
        guard let node else { return nil }
        let given = try context.field(node.child("GivenName"), "GivenName")
        let family = try context.field(node.child("FamilyName"), "FamilyName")
        let parts = [given, family].compactMap { $0 }
        if parts.isEmpty { return try context.field(node, "PersonName") }
        return parts.joined(separator: " ")
    }

    /// Roles are URNs from MPEG-7 RoleCS or TV-Anytime TVARoleCS; their last part names the role.
    private func role(_ urn: String) -> Credit.Role {
        let term = urn.split(separator: ":").last.map { $0.uppercased() } ?? ""
        switch term {
        case "ACTOR", "PERFORMER", "VOICE", "GUEST": return .cast
        case "DIRECTOR": return .director
        case "SCRIPTWRITER", "WRITER", "AUTHOR": return .writer
        case "PRODUCER", "EXECUTIVE-PRODUCER": return .producer
        case "COMPOSER": return .composer
        case "PRESENTER", "ANCHOR", "HOST", "COMMENTATOR": return .presenter
        case "CREATOR", "ORIGINATOR": return .creator
        default: return .other
        }
    }

    /// The name of a genre term, trying other versions of the same scheme when the exact
    /// URN is unknown (`...ContentCS:2005:3.1` finds `...ContentCS:2011:3.1`).
    static func genreName(_ href: String) -> String? {
        if let name = TVAGenres.names[href] { return name }
        return versionless[versionlessKey(href)]
    }

    private static let versionless: [String: String] = {
        var result: [String: String] = [:]
        for (href, name) in TVAGenres.names { result[versionlessKey(href)] = name }
        return result
    }()

    private static func versionlessKey(_ href: String) -> String {
        // Drop the version part: a year ("2011") or a year and month ("2014-07").
        href.split(separator: ":").filter { part in
            let digits = part.filter(\.isNumber).count
            return !(part.count >= 4 && part.prefix(4).allSatisfy(\.isNumber) && (digits == 4 || digits == 6))
        }.joined(separator: ":")
    }
}
