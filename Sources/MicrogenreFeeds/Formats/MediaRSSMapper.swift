import MicrogenreCore

/// Media RSS feeds: each `<item>` of the channel is a title, keyed by its `guid` (or `link`),
/// with `media:title`, `media:description`, `media:category`, `media:credit`, `media:keywords`
/// and `media:rating` read from the item or its `media:content`.
struct MediaRSSMapper: RecordMapper {
    func isRecord(localName: String, depth: Int) -> Bool { depth == 2 && localName == "item" }

    func map(_ element: XMLNodeView, _ context: inout MappingContext) throws -> TitleRecord? {
        let content = element.child("content") ?? element.child("group")?.child("content")
        func media(_ name: String) -> XMLNodeView? {
            element.children(name).last ?? content?.child(name)
        }
        let id = try context.field(element.child("guid"), "guid") ?? context.field(element.child("link"), "link")
        let titles = element.children("title")
        let title = try context.field(titles.last ?? content?.child("title"), "title")
        guard let (titleID, titleText) = require(id: id, title: title, element: element, &context, what: "item") else {
            return nil
        }
        var record = TitleRecord(id: titleID, kind: .special, title: titleText, source: context.location(element.line))
        let descriptions = element.children("description") + (content?.children("description") ?? [])
        var seen: Set<String> = []
        for description in descriptions {
            if let text = try context.synopsisText(description, "description"), seen.insert(text).inserted {
                record.synopses.append(
                    Synopsis(length: Values.synopsisLength(of: text), language: content?.attribute("lang"), text: text))
            }
        }
        for category in element.children("category") + (content?.children("category") ?? []) {
            context.append(try context.field(category, "category"), to: &record.genres, "category", line: category.line)
        }
        if let keywords = try context.field(media("keywords"), "keywords") {
            for keyword in keywords.split(separator: ",") {
                context.append(
                    String(keyword).trimmingSpacesAround(), to: &record.keywords, "keyword", line: element.line)
            }
        }
        for credit in element.children("credit") + (content?.children("credit") ?? []) {
            guard let name = try context.field(credit, "credit"),
                context.hasRoom(record.people.count, in: "person", line: credit.line)
            else { continue }
            let role: Credit.Role =
                switch credit.attribute("role")?.lowercased() {
                case "actor", "performer": .cast
                case "director": .director
                case "author", "writer": .writer
                case "producer", "executive producer": .producer
                case "composer": .composer
                default: .other
                }
            record.people.append(Credit(name: name, role: role))
        }
        if let rating = media("rating"), let value = try context.field(rating, "rating") {
            record.rating = MaturityRating(system: rating.attribute("scheme") ?? "", value: value)
        }
        if let seconds = content?.attribute("duration").flatMap(Double.init) {
            record.runtimeMinutes = Int((seconds / 60).rounded())
        }
        record.year = Values.year(
            try context.field(element.child("pubDate"), "pubDate").flatMap { date in
                date.split(separator: " ").first { $0.count == 4 && $0.allSatisfy(\.isNumber) }.map(String.init)
            })
        return record
    }
}
