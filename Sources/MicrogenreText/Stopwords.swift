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
/// `suspense` (a genre), `musical` is not `music`, `classical` is not `classic`. Changing this
/// list changes indexed terms, so it bumps ``Analyzer/version``.
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
        // Derived words whose meaning parts from the word a tag is named by: a "mysterious"
        // stranger is no mystery film, a "booking" no book, the "film industry" not industrial.
        "mysterious": "mysterious", "mysteriously": "mysterious",
        "booking": "booking", "bookings": "booking",
        "marine": "marine", "marines": "marine",
        "internationally": "internationally",
        "famed": "famed",
        "celebrate": "celebrate", "celebrated": "celebrate", "celebrates": "celebrate", "celebrating": "celebrate",
        "celebration": "celebration", "celebrations": "celebration",
        "independence": "independence",
        "entertainment": "entertainment", "entertainments": "entertainment",
        "entertainer": "entertainer", "entertainers": "entertainer",
        "comical": "comical", "comically": "comical",
        "faithful": "faithful", "faithfully": "faithful",
        "psychologist": "psychologist", "psychologists": "psychologist",
        "alienate": "alienate", "alienated": "alienate", "alienates": "alienate", "alienating": "alienate",
        "alienation": "alienation",
        "terrorize": "terrorize", "terrorized": "terrorize", "terrorizes": "terrorize", "terrorizing": "terrorize",
        "terrorise": "terrorize", "terrorised": "terrorize", "terrorises": "terrorize", "terrorising": "terrorize",
        "busy": "busy",
        "industry": "industry", "industries": "industry",
        "depressed": "depressed",
        "natural": "natural", "naturally": "natural",
        "inventive": "inventive",
        "imagine": "imagine", "imagined": "imagine", "imagines": "imagine", "imagining": "imagine",
        "chilling": "chilling",
        "darkly": "darkly",
        "seasonal": "seasonal",
        "comics": "comics",
        "sported": "sported",
        "biographical": "biographical", "biographically": "biographical",
        "daring": "daring",
        "enjoyable": "enjoyable",
        "cleaning": "cleaning",
        "plagued": "plagued",
        "financed": "financed", "financing": "financing",
        "shortly": "shortly",
        "witness": "witness", "witnesses": "witness", "witnessed": "witness", "witnessing": "witness",
        "beautiful": "beautiful", "beautifully": "beautiful",
        "officer": "officer", "officers": "officer",
        "generally": "generally",
        "stoned": "stoned",
        "islander": "islander", "islanders": "islander",
        // Numbers are not decades: "sixty" people, the "sixties".
        "twenty": "twenty", "thirty": "thirty", "forty": "forty", "fifty": "fifty", "sixty": "sixty",
        "seventy": "seventy", "eighty": "eighty", "ninety": "ninety",
        // Names the stemmer would fold into words ("Frances" into France, "Hilary" into hilarious).
        "frances": "frances", "hilary": "hilary",
    ]
}
