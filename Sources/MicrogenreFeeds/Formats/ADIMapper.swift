import MicrogenreCore

/// CableLabs ADI 1.1 VOD packages: the title asset (`ADI/Asset` whose `Metadata/AMS` has
/// `Asset_Class="title"`) with its `App_Data` name/value pairs. The id is the provider id and
/// the title asset id (`PROVIDER_ID/ASSET_ID`), unique across providers. ADI 3.0 packages
/// (`ADI3`) are read too: their `title:TitleType` assets, keyed by `uriId`.
struct ADIMapper: RecordMapper {
    func isRecord(localName: String, depth: Int) -> Bool { depth == 1 && localName == "Asset" }

    func map(_ element: XMLNodeView, _ context: inout MappingContext) throws -> TitleRecord? {
        if element.attribute("uriId") != nil { return try mapADI3(element, &context) }
        guard let ams = element.descendant("Metadata", "AMS") else {
            context.warn(element.line, "ADI Asset without Metadata/AMS skipped")
            return nil
        }
        guard ams.attribute("Asset_Class")?.lowercased() == "title" else { return nil }
        var values: [String: [(String, Int)]] = [:]
        for data in element.child("Metadata")?.children("App_Data") ?? [] {
            guard let name = data.attribute("Name"), let value = data.attribute("Value"), !value.isEmpty else {
                continue
            }
            values[name, default: []].append((value, data.line))
        }
        func first(_ names: String...) -> (String, Int)? {
            for name in names { if let value = values[name]?.first { return value } }
            return nil
        }
        func field(_ names: String...) -> String? {
            for name in names {
                if let (value, line) = values[name]?.first {
                    return context.limited(value, name, line: line, limit: context.options.maxFieldBytes)
                }
            }
            return nil
        }

        var id: String?
        if let asset = ams.attribute("Asset_ID") {
            id = (ams.attribute("Provider_ID").map { "\($0)/" } ?? "") + asset
        }
        let title = field("Title_Brief_SD", "Title_SD", "Title", "Title_Brief", "Episode_Title")
        guard
            let (titleID, titleText) = require(
                id: id, title: title, element: element, &context, what: "ADI title asset")
        else { return nil }
        var record = TitleRecord(id: titleID, kind: .movie, title: titleText, source: context.location(element.line))

        switch field("Show_Type")?.lowercased() {
        case "movie", "movies", "film": record.kind = .movie
        case "series", "episode", "tv show", "tv": record.kind = .episode
        case .some: record.kind = .special
        case nil: record.kind = first("Episode_Number") != nil ? .episode : .movie
        }
        if record.kind == .episode {
            record.subtitle = field("Episode_Name", "Episode_Title").flatMap { $0 == titleText ? nil : $0 }
            record.seasonNumber = Values.integer(field("Season_Number"))
            record.episodeNumber = Values.integer(field("Episode_Number"))
            if let series = field("Series_Name") {
                record.parentID = TitleID("\(titleID.rawValue.split(separator: "/").first ?? "")/series/\(series)")
            }
        }
        for (name, length) in [
            ("Summary_Short", Synopsis.Length.short), ("Summary_Medium", .medium), ("Summary_Long", .long),
        ] {
            if let (text, line) = first(name),
                let limited = context.limited(text, name, line: line, limit: context.options.maxSynopsisBytes)
            {
                record.synopses.append(
                    Synopsis(length: length, language: field("Language")?.lowercased(), text: limited))
            }
        }
        for (genre, line) in values["Genre", default: []] {
            context.append(
                context.limited(genre, "Genre", line: line, limit: context.options.maxFieldBytes), to: &record.genres,
                "genre", line: line)
        }
        for (tag, line) in values["Tag", default: []] {
            context.append(
                context.limited(tag, "Tag", line: line, limit: context.options.maxFieldBytes), to: &record.keywords,
                "keyword", line: line)
        }
        record.year = Values.year(field("Year")) ?? Values.year(field("Original_Start_Date"))
        record.runtimeMinutes =
            Values.minutes(field("Run_Time"))
            ?? Values.minutes(field("Display_Run_Time"), clockIsHoursMinutes: true)
        if let rating = field("Rating") {
            let system =
                rating.uppercased().hasPrefix("TV-")
                ? "TVPG" : (RatingSystem.named("MPAA")?.rank(of: rating) != nil ? "MPAA" : "")
            record.rating = MaturityRating(system: system, value: rating)
        }
        if let country = field("Country_of_Origin") { record.countries = [country] }
        // "Actors" and "Director" hold one person each as "Last,First"; "Actors_Display" is a
        // comma-separated list of display names; "Producer" is often a company ("X, Inc.").
        var people: [(String, Credit.Role)] = []
        for (name, role) in [("Actors", Credit.Role.cast), ("Director", .director), ("Writer", .writer)] {
            for (value, _) in values[name, default: []] { people.append((displayName(value), role)) }
        }
        if people.allSatisfy({ $0.1 != .cast }) {
            for (value, _) in values["Actors_Display", default: []] { people += splitNames(value).map { ($0, .cast) } }
        }
        for (value, _) in values["Producer", default: []] { people.append((value, .producer)) }
        for (person, role) in people where !record.people.contains(where: { $0.name == person && $0.role == role }) {
            if context.hasRoom(record.people.count, in: "person", line: element.line) {
                record.people.append(Credit(name: person, role: role))
            }
        }
        return record
    }

    /// An ADI 3.0 asset; only title assets (`xsi:type="title:TitleType"`) become records.
    private func mapADI3(_ element: XMLNodeView, _ context: inout MappingContext) throws -> TitleRecord? {
        guard element.attribute("type")?.hasSuffix("TitleType") == true else { return nil }
        let localized = element.child("LocalizableTitle")
        var title: String?
        for name in ["TitleLong", "TitleMedium", "TitleBrief"] where title == nil {
            title = try context.field(localized?.child(name), name)
        }
        guard
            let (id, titleText) = require(
                id: element.attribute("uriId"), title: title, element: element, &context, what: "ADI3 title asset")
        else { return nil }
        var record = TitleRecord(id: id, kind: .movie, title: titleText, source: context.location(element.line))
        if let localized {
            for (name, length) in [
                ("SummaryShort", Synopsis.Length.short), ("SummaryMedium", .medium), ("SummaryLong", .long),
            ] {
                if let child = localized.child(name), let text = try context.synopsisText(child, name) {
                    record.synopses.append(Synopsis(length: length, language: localized.attribute("lang"), text: text))
                }
            }
            for (name, role) in [
                ("Actor", Credit.Role.cast), ("Director", .director), ("Producer", .producer), ("Writer", .writer),
            ] {
                for person in localized.children(name) {
                    if let full = context.attribute(person, "fullName", name),
                        context.hasRoom(record.people.count, in: "person", line: person.line)
                    {
                        record.people.append(Credit(name: full, role: role))
                    }
                }
            }
            if !record.people.contains(where: { $0.role == .writer }),
                let writers = try context.field(localized.child("WriterDisplay"), "WriterDisplay")
            {
                record.people += splitNames(writers).map { Credit(name: $0, role: .writer) }
            }
            record.subtitle = try context.field(localized.child("EpisodeName"), "EpisodeName")
        }
        for genre in element.children("Genre") {
            context.append(try context.field(genre, "Genre"), to: &record.genres, "genre", line: genre.line)
        }
        record.year = Values.year(try context.field(element.child("Year"), "Year"))
        record.runtimeMinutes = Values.minutes(
            try context.field(element.child("DisplayRunTime"), "DisplayRunTime"), clockIsHoursMinutes: true)
        if let country = try context.field(element.child("CountryOfOrigin"), "CountryOfOrigin") {
            record.countries = [country]
        }
        if let rating = element.child("Rating"), let value = try context.field(rating, "Rating") {
            record.rating = MaturityRating(system: rating.attribute("ratingSystem") ?? "", value: value)
        }
        switch try context.field(element.child("ShowType"), "ShowType")?.lowercased() {
        case "series", "episode": record.kind = .episode
        case "movie", nil: record.kind = .movie
        default: record.kind = .special
        }
        return record
    }

    /// "Cameron,James" -> "James Cameron"; other forms unchanged.
    private func displayName(_ value: String) -> String {
        let parts = value.split(separator: ",").map { String($0).trimmingSpacesAround() }
        return parts.count == 2 && !parts[1].isEmpty ? "\(parts[1]) \(parts[0])" : value
    }

    /// A comma-separated list of display names.
    private func splitNames(_ value: String) -> [String] {
        value.split(separator: ",").map { String($0).trimmingSpacesAround() }.filter { !$0.isEmpty }
    }
}

extension String {
    func trimmingSpacesAround() -> String {
        var s = Substring(self)
        while s.first?.isWhitespace == true { s.removeFirst() }
        while s.last?.isWhitespace == true { s.removeLast() }
        return String(s)
    }
}
