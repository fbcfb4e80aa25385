public import MicrogenreCore
import MicrogenreText

/// The text of a title that its sentence embedding is made from: what its metadata says that a
/// synopsis rarely does (the format, the countries, the feed's genres and keywords), then its
/// longest synopsis, with the title's own name replaced by "the film" (or "the series"):
///
///     Film, United States; Comedy. The film is a 1980 American comedy film ...
///
/// The embedding is for what a title is about; its name is lexical search's to match. Names are
/// ordinary words ("The Family", "Heat", "Up") that would pull a query's meaning toward every
/// title that shares them: measured on category queries over the Corpus, the query "animated
/// family movies" found The Family, Family and Family Plot first when the name was embedded.
/// A title with no synopsis is embedded by its name, which is then all there is.
///
/// Metadata goes first, so that cutting a long text to the model's tokens cuts the synopsis, not
/// the metadata. Country names come from ICU (`JP` -> Japan).
public enum EmbeddingText {
    /// At most this many genres and keywords are named.
    public static let maximumKeywords = 6

    /// The text to embed for `record`.
    public static func text(for record: TitleRecord) -> String {
        var facts = kindName(record.kind)
        let countries = record.countries.map { ICULocales.countryName($0) ?? $0 }
        if !countries.isEmpty { facts += ", " + countries.joined(separator: ", ") }
        var seen = Set<String>()
        let keywords = (record.genres + record.keywords).filter { seen.insert($0.lowercased()).inserted }
        if !keywords.isEmpty { facts += "; " + keywords.prefix(maximumKeywords).joined(separator: ", ") }
        guard let synopsis = record.synopses.max(by: { $0.text.utf8.count < $1.text.utf8.count })?.text,
            !synopsis.isEmpty
        else { return record.title + " (" + facts + ")" }
        let reference = "the " + (record.kind == .movie ? "film" : kindName(record.kind))
        return facts + ". " + replacing(record.title, with: reference, in: synopsis)
    }

    /// `text` with every whole-word occurrence of `name` (as written, case and all) replaced by
    /// `reference`, capitalized at the start of a sentence.
    static func replacing(_ name: String, with reference: String, in text: String) -> String {
        let name = Array(name.trimmingSpaces)
        let characters = Array(text)
        guard name.count >= 2, name.count <= characters.count else { return text }
        var result = ""
        var k = 0
        while k < characters.count {
            let end = k + name.count
            let fits = end <= characters.count && Array(characters[k..<end]) == name
            let startsWord = k == 0 || !characters[k - 1].isLetter && !characters[k - 1].isNumber
            let endsWord = fits && (end == characters.count || !characters[end].isLetter && !characters[end].isNumber)
            if fits && startsWord && endsWord {
                let sentenceStart = result.last(where: { !$0.isWhitespace }).map { ".!?".contains($0) } ?? true
                result += sentenceStart ? reference.prefix(1).uppercased() + reference.dropFirst() : reference
                k += name.count
            } else {
                result.append(characters[k])
                k += 1
            }
        }
        return result
    }

    /// How the format reads in a sentence.
    static func kindName(_ kind: TitleKind) -> String {
        switch kind {
        case .movie: "Film"
        case .series: "TV series"
        case .season: "TV season"
        case .episode: "TV episode"
        case .special: "TV special"
        }
    }
}

extension String {
    fileprivate var trimmingSpaces: Substring {
        let start = firstIndex { !$0.isWhitespace } ?? endIndex
        let end = lastIndex { !$0.isWhitespace }.map { index(after: $0) } ?? endIndex
        return start < end ? self[start..<end] : ""
    }
}
