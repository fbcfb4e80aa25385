public import MicrogenreCore
import MicrogenreText

/// The text of a title that its sentence embedding is made from: the title, then what its
/// metadata says that a synopsis rarely does (the format, the countries, the feed's genres and
/// keywords), then its longest synopsis:
///
///     Nine to Five (film, United States; Comedy). Nine to Five is a 1980 American comedy film ...
///
/// Metadata goes before the synopsis, so that cutting a long text to the model's tokens cuts
/// the synopsis, not the metadata. Names come from ICU (`JP` -> Japan).
public enum EmbeddingText {
    /// At most this many genres and keywords are named.
    public static let maximumKeywords = 6

    /// The text to embed for `record`.
    public static func text(for record: TitleRecord) -> String {
        var facts: [String] = [kindName(record.kind)]
        let countries = record.countries.map { ICULocales.countryName($0) ?? $0 }
        if !countries.isEmpty { facts[0] += ", " + countries.joined(separator: ", ") }
        var seen = Set<String>()
        let keywords = (record.genres + record.keywords).filter { seen.insert($0.lowercased()).inserted }
        if !keywords.isEmpty { facts.append(keywords.prefix(maximumKeywords).joined(separator: ", ")) }
        var text = record.title + " (" + facts.joined(separator: "; ") + ")."
        if let synopsis = record.synopses.max(by: { $0.text.utf8.count < $1.text.utf8.count }), !synopsis.text.isEmpty {
            text += " " + synopsis.text
        }
        return text
    }

    /// How the format reads in a sentence.
    static func kindName(_ kind: TitleKind) -> String {
        switch kind {
        case .movie: "film"
        case .series: "TV series"
        case .season: "TV season"
        case .episode: "TV episode"
        case .special: "TV special"
        }
    }
}
