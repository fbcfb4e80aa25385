public import MicrogenreCore

/// Writes title records in Microgenre's own feed format, so a catalog read from any format
/// can be saved as one (and benchmarks can build feeds of any size).
public struct FeedWriter {
    /// The XML declaration and the opening `<catalog>` tag.
    public static let header =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<catalog xmlns=\"urn:microgenre:feed:1\" version=\"1\">\n"
    /// The closing tag.
    public static let footer = "</catalog>\n"

    /// Appends one `<title>` element for `record` to `out`.
    public static func append(_ record: TitleRecord, to out: inout [UInt8]) {
        func text(_ value: String) { escape(value, into: &out, attribute: false) }
        func attribute(_ name: String, _ value: String?) {
            guard let value else { return }
            out += Array(" \(name)=\"".utf8)
            escape(value, into: &out, attribute: true)
            out.append(UInt8(ascii: "\""))
        }
        func element(_ name: String, _ value: String?, _ attributes: [(String, String?)] = []) {
            guard let value else { return }
            out += Array("    <\(name)".utf8)
            for (key, attributeValue) in attributes { attribute(key, attributeValue) }
            out.append(UInt8(ascii: ">"))
            text(value)
            out += Array("</\(name)>\n".utf8)
        }
        out += Array("  <title".utf8)
        attribute("id", record.id.rawValue)
        attribute("kind", record.kind.rawValue)
        out += Array(">\n".utf8)
        element("name", record.title)
        element("subtitle", record.subtitle)
        element("original-name", record.originalTitle)
        element("year", record.year.map(String.init))
        for synopsis in record.synopses {
            element("synopsis", synopsis.text, [("length", synopsis.length.rawValue), ("lang", synopsis.language)])
        }
        for genre in record.genres { element("genre", genre) }
        for keyword in record.keywords { element("keyword", keyword) }
        for person in record.people {
            element("person", person.name, [("role", person.role.rawValue), ("character", person.character)])
        }
        for country in record.countries { element("country", country) }
        for language in record.languages { element("language", language) }
        if let rating = record.rating { element("rating", rating.value, [("system", rating.system)]) }
        element("runtime", record.runtimeMinutes.map(String.init))
        if let parent = record.parentID {
            out += Array("    <parent".utf8)
            attribute("id", parent.rawValue)
            out += Array("/>\n".utf8)
        }
        element("season", record.seasonNumber.map(String.init))
        element("episode", record.episodeNumber.map(String.init))
        out += Array("  </title>\n".utf8)
    }

    private static func escape(_ value: String, into out: inout [UInt8], attribute: Bool) {
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "&"): out += Array("&amp;".utf8)
            case UInt8(ascii: "<"): out += Array("&lt;".utf8)
            case UInt8(ascii: ">"): out += Array("&gt;".utf8)
            case UInt8(ascii: "\"") where attribute: out += Array("&quot;".utf8)
            case 0x09, 0x0A, 0x0D: if attribute { out += Array("&#\(byte);".utf8) } else { out.append(byte) }
            case 0..<0x20: break  // not allowed in XML 1.0
            default: out.append(byte)
            }
        }
    }
}
