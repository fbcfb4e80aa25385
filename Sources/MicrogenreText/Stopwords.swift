/// English stopwords: function words that carry no topic. Removed from the token stream, but
/// they still take a position, so phrase queries do not match across them.
public enum Stopwords {
    /// The default English list (Lucene's classic English set, extended with pronouns and
    /// contractions common in synopses).
    public static let english: [String] = [
        "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it",
        "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these",
        "they", "this", "to", "was", "will", "with", "he", "she", "his", "her", "him", "its", "who",
        "whom", "which", "while", "when", "where", "has", "have", "had", "been", "being", "were",
        "from", "after", "before", "than", "also", "can", "would", "could", "should", "do", "does",
        "did", "so", "them", "what", "we", "our", "you", "your", "i", "me", "my", "it's", "he's",
        "she's", "they're", "don't", "doesn't", "isn't", "s", "t",
    ]
}

/// Words the analyzer keeps apart although the Snowball stemmer would merge them, because the
/// difference matters for genres: `anime` is not `animation`, `suspenseful` (a tone) is not
/// `suspense` (a genre), `musical` is not `music`, `classical` is not `classic`.
/// Each surface word maps to the term it is indexed as.
public enum StemExceptions {
    /// The English exceptions.
    public static let english: [String: String] = [
        "anime": "anime", "animes": "anime",
        "animal": "animal", "animals": "animal",
        "suspenseful": "suspenseful",
        "musical": "musical", "musicals": "musical",
        "classical": "classical",
        "camping": "camping",
    ]
}
