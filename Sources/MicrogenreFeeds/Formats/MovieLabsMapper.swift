import MicrogenreCore

/// MovieLabs Common Metadata: `mdmec:Basic` in Media Entertainment Core documents and
/// `md:BasicMetadata` anywhere (alone, or inline in a Media Manifest's inventory).
///
/// Besides mapping, it checks the controlled vocabularies Common Metadata defines and warns
/// about values outside them: ContentID syntax, WorkType, ISO country and language codes,
/// rating systems and their values.
struct MovieLabsMapper: RecordMapper {
    func isRecord(localName: String, depth: Int) -> Bool {
        localName == "Basic" || localName == "BasicMetadata" || (localName == "Asset" && depth == 2)
    }

    static let workTypes: [String: TitleKind] = [
        "Movie": .movie, "Short": .movie, "Series": .series, "Mini-series": .series, "Season": .season,
        "Episode": .episode, "Non-episodic Show": .special, "Promotion": .special, "Supplemental": .special,
        "Excerpt": .special, "Collection": .special, "Music": .special, "Performance": .special,
        "Song": .special, "Album": .special, "Ad": .special, "Franchise": .special, "Interactive": .special,
    ]

    static let jobRoles: [String: Credit.Role] = [
        "actor": .cast, "voice": .cast, "voiceactor": .cast, "castmember": .cast, "host": .presenter,
        "presenter": .presenter, "narrator": .presenter, "director": .director, "writer": .writer,
        "screenwriter": .writer, "author": .writer, "creator": .creator, "producer": .producer,
        "executiveproducer": .producer, "composer": .composer, "music": .composer,
    ]

    func map(_ element: XMLNodeView, _ context: inout MappingContext) throws -> TitleRecord? {
        if element.name == "Asset" { return try mapAvailsAsset(element, &context) }
        let contentID = element.attribute("ContentID")
        let infos = element.children("LocalizedInfo")
        let primary = infos.first { $0.attribute("default") == "true" } ?? infos.first
        var title: String?
        for name in ["TitleDisplayUnlimited", "TitleDisplay60", "TitleDisplay19", "TitleSort"] where title == nil {
            title = try context.field(primary?.child(name), name)
        }
        // Vocabulary checks come first, so a record skipped below still has its values reported.
        if let contentID { checkContentID(contentID, line: element.line, &context) }
        try element.forEachDescendant { node in
            if node.name == "DistrTerritory", let country = try context.field(node.child("country"), "country") {
                _ = checkCountry(country, line: node.child("country")?.line ?? node.line, &context)
            }
        }
        var ratings: [MaturityRating] = []
        for rating in element.child("RatingSet")?.children("Rating") ?? [] {
            if let parsed = try checkRating(rating, &context) { ratings.append(parsed) }
        }
        var languages: [String] = []
        for name in ["OriginalLanguage", "PrimarySpokenLanguage"] {
            for language in element.children(name) {
                if let tag = try context.field(language, name), checkLanguage(tag, line: language.line, &context) {
                    context.append(tag, to: &languages, "language", line: language.line)
                }
            }
        }
        guard
            let (id, titleText) = require(
                id: contentID, title: title, element: element, &context, what: "BasicMetadata")
        else { return nil }

        var record = TitleRecord(id: id, kind: .movie, title: titleText, source: context.location(element.line))
        let workType = try context.field(element.child("WorkType"), "WorkType")
        record.kind = kind(for: workType, line: element.child("WorkType")?.line ?? element.line, &context)

        for info in infos {
            let language = info.attribute("language")
            for (name, length) in [
                ("Summary190", Synopsis.Length.short), ("Summary400", .medium), ("Summary4000", .long),
            ] {
                if let child = info.child(name), let text = try context.synopsisText(child, name) {
                    record.synopses.append(Synopsis(length: length, language: language, text: text))
                }
            }
            for genre in info.children("Genre") {
                context.append(try context.field(genre, "Genre"), to: &record.genres, "genre", line: genre.line)
            }
            for keyword in info.children("Keyword") {
                context.append(
                    try context.field(keyword, "Keyword"), to: &record.keywords, "keyword", line: keyword.line)
            }
            if info.node == primary?.node {
                record.originalTitle = try context.field(info.child("OriginalTitle"), "OriginalTitle")
            }
        }
        let releaseYear = Values.year(try context.field(element.child("ReleaseYear"), "ReleaseYear"))
        record.year = try releaseYear ?? Values.year(context.field(element.child("ReleaseDate"), "ReleaseDate"))
        record.runtimeMinutes = Values.minutes(try context.field(element.child("RunLength"), "RunLength"))

        for people in element.children("People") {
            let job = people.child("Job")
            let function = try context.field(job?.child("JobFunction"), "JobFunction") ?? "Actor"
            guard let name = try context.field(people.descendant("Name", "DisplayName"), "DisplayName") else {
                continue
            }
            let key = function.lowercased().filter { $0 != " " && $0 != "-" }
            guard context.hasRoom(record.people.count, in: "person", line: people.line) else { break }
            record.people.append(
                Credit(
                    name: name, role: Self.jobRoles[key] ?? .other,
                    character: try context.field(job?.child("Character"), "Character")))
        }
        for origin in element.children("CountryOfOrigin") {
            let code = try context.field(origin.child("country") ?? origin, "country")
            if let code, checkCountry(code, line: origin.line, &context) {
                context.append(code, to: &record.countries, "country", line: origin.line)
            }
        }
        record.languages = languages
        record.rating = ratings.first
        if let number = Values.integer(try context.field(element.descendant("SequenceInfo", "Number"), "SequenceInfo"))
        {
            if record.kind == .season { record.seasonNumber = number } else { record.episodeNumber = number }
        }
        for parent in element.children("Parent") {
            if let parentID = try context.field(parent.child("ParentContentID"), "ParentContentID") {
                record.parentID = TitleID(parentID)
                break
            }
        }
        return record
    }

    /// An asset of an Avails list (`AvailList/Avail/Asset`): the title a license is for, with
    /// what little metadata Avails carry (title, work type, season and episode numbers).
    private func mapAvailsAsset(_ element: XMLNodeView, _ context: inout MappingContext) throws -> TitleRecord? {
        let metadata = element.child("Metadata") ?? element.child("EpisodeMetadata")
        let seasonMetadata = metadata?.child("SeasonMetadata") ?? element.child("SeasonMetadata")
        var title = try context.field(
            metadata?.child("TitleDisplayUnlimited") ?? metadata?.child("TitleInternalAlias"), "Title")
        if title == nil, let season = seasonMetadata, metadata == nil {
            // A season asset carries only its series' title and its number.
            let series = season.child("SeriesMetadata")
            let seriesTitle = try context.field(
                series?.child("SeriesTitleDisplayUnlimited") ?? series?.child("SeriesTitleInternalAlias"), "SeriesTitle"
            )
            let number = try context.field(season.descendant("SeasonNumber", "Number"), "SeasonNumber")
            title = seriesTitle.map { series in number.map { "\(series) Season \($0)" } ?? series }
        }
        guard
            let (id, titleText) = require(
                id: element.attribute("contentID"), title: title, element: element, &context, what: "Avails Asset")
        else { return nil }
        checkContentID(id.rawValue, line: element.line, &context)
        var record = TitleRecord(id: id, kind: .movie, title: titleText, source: context.location(element.line))
        let workType = element.child("WorkType")
        record.kind = kind(for: try context.field(workType, "WorkType"), line: workType?.line ?? element.line, &context)
        record.year = Values.year(try context.field(metadata?.child("ReleaseDate"), "ReleaseDate"))
        record.runtimeMinutes = Values.minutes(try context.field(metadata?.child("RunLength"), "RunLength"))
        if let season = seasonMetadata {
            let parent =
                record.kind == .season
                ? season.descendant("SeriesMetadata", "SeriesContentID") : season.child("SeasonContentID")
            record.parentID = try context.field(parent, "ParentContentID").map(TitleID.init)
            record.seasonNumber = Values.integer(
                try context.field(season.descendant("SeasonNumber", "Number"), "SeasonNumber"))
        }
        record.episodeNumber = Values.integer(
            try context.field(metadata?.descendant("EpisodeNumber", "Number"), "EpisodeNumber"))
        return record
    }

    private func kind(for workType: String?, line: Int, _ context: inout MappingContext) -> TitleKind {
        guard let workType else {
            context.warn(line, "BasicMetadata without a WorkType read as Movie")
            return .movie
        }
        if let kind = Self.workTypes[workType] { return kind }
        if let match = Self.workTypes.first(where: { $0.key.lowercased() == workType.lowercased() }) {
            context.warn(
                line,
                "WorkType '\(workType)' is not in the Common Metadata vocabulary (case matters); read as '\(match.key)'"
            )
            return match.value
        }
        context.warn(line, "WorkType '\(workType)' is not in the Common Metadata vocabulary; read as a special")
        return .special
    }

    /// Common Metadata identifiers are `md:TYPE:SCHEME:SSID`, without white space.
    private func checkContentID(_ id: String, line: Int, _ context: inout MappingContext) {
        let parts = id.split(separator: ":", omittingEmptySubsequences: false)
        if id.contains(where: { $0 == " " || $0 == "\t" || $0 == "\n" }) {
            context.warn(line, "ContentID '\(id)' contains white space")
        } else if parts.count < 4 || parts[0] != "md" || parts[3...].joined(separator: ":").isEmpty {
            context.warn(line, "ContentID '\(id)' is not of the form md:cid:SCHEME:SSID")
        }
    }

    private func checkCountry(_ code: String, line: Int, _ context: inout MappingContext) -> Bool {
        if ISOCodes.countries.contains(code) { return true }
        context.warn(
            line,
            code.count == 2
                ? "country '\(code)' is not an ISO 3166-1 code"
                : "country '\(code)' is not an ISO 3166-1 two-letter code")
        return false
    }

    private func checkLanguage(_ tag: String, line: Int, _ context: inout MappingContext) -> Bool {
        if ISOCodes.isLanguageTag(tag) { return true }
        context.warn(line, "language '\(tag)' is not a BCP 47 language tag")
        return false
    }

    private func checkRating(_ rating: XMLNodeView, _ context: inout MappingContext) throws -> MaturityRating? {
        let line = rating.line
        if let region = try context.field(rating.descendant("Region", "country"), "country") {
            _ = checkCountry(region, line: rating.descendant("Region", "country")?.line ?? line, &context)
        }
        let value = try context.field(rating.child("Value"), "Value")
        guard let system = try context.field(rating.child("System"), "System") else {
            context.warn(rating.child("System")?.line ?? line, "rating without a rating system")
            return nil
        }
        guard let value else {
            context.warn(line, "rating in \(system) without a value")
            return nil
        }
        if let known = RatingSystem.named(system) {
            if known.rank(of: value) == nil && !RatingSystem.unratedValues.contains(value.uppercased()) {
                context.warn(
                    rating.child("Value")?.line ?? line, "rating '\(value)' does not exist in the \(system) system")
                return nil
            }
        } else if !RatingSystem.isRecognized(system) {
            context.warn(rating.child("System")?.line ?? line, "unrecognized rating system '\(system)'")
        }
        return MaturityRating(system: system, value: value)
    }
}
