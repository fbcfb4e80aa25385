/// A maturity rating system with its values from least to most restricted, so ratings can
/// be validated, compared (`rating:<=PG-13`) and turned into a minimum viewer age.
public struct RatingSystem: Sendable, Hashable {
    /// The system's usual name ("MPAA", "TVPG", "BBFC" ...).
    public var name: String
    /// Values from least to most restricted, uppercased.
    public var values: [String]
    /// The youngest viewer each value suits, parallel to `values`.
    public var minimumAges: [Int]

    /// The systems whose values Microgenre knows, in order of popularity in feeds.
    public static let known: [RatingSystem] = [
        RatingSystem(name: "MPAA", values: ["G", "PG", "PG-13", "R", "NC-17"], minimumAges: [0, 8, 13, 17, 18]),
        RatingSystem(
            name: "TVPG", values: ["TV-Y", "TV-Y7", "TV-Y7-FV", "TV-G", "TV-PG", "TV-14", "TV-MA"],
            minimumAges: [0, 7, 7, 0, 8, 14, 17]),
        RatingSystem(
            name: "BBFC", values: ["U", "PG", "12A", "12", "15", "18", "R18"], minimumAges: [0, 8, 12, 12, 15, 18, 18]),
        RatingSystem(name: "FSK", values: ["0", "6", "12", "16", "18"], minimumAges: [0, 6, 12, 16, 18]),
        RatingSystem(name: "CHVRS", values: ["G", "PG", "14A", "18A", "R", "A"], minimumAges: [0, 8, 14, 18, 18, 18]),
        RatingSystem(
            name: "ACB", values: ["G", "PG", "M", "MA15+", "R18+", "X18+"], minimumAges: [0, 8, 15, 15, 18, 18]),
    ]

    /// Values that mean "not rated" in any system.
    public static let unratedValues: Set<String> = ["NR", "UNRATED", "NOT RATED", "N/A", "TBC", "E", "EXEMPT"]

    /// Rating systems feeds name that Microgenre recognizes without knowing their values.
    public static let otherRecognizedNames: Set<String> = [
        "FPB", "OFLC", "CNC", "CSA", "EIRIN", "KMRB", "KMRB-TV", "DJCTQ", "INCAA", "ICAA", "NICAM", "KIJKWIJZER",
        "MDA", "RTC", "CBFC", "IFCO", "MEKU", "NMHH", "SMAIS", "CCE", "CICF", "FSF", "AGCOM", "CNC-TV", "BBFC-VIDEO",
        "CANADIAN PARENTAL RATING", "USA PARENTAL RATING", "VCHIP", "RCQ", "CHFILMS", "DVB", "AGE",
        "MPAAT", "MKRF", "MBACT", "CCC", "CNA", "GSRR", "HKFCA", "FCBM", "LSF", "MTRCB", "NBC", "OFRB",
    ]

    /// The known system named `name` (case-insensitive, common aliases such as "US-TV" or
    /// "USA Parental Rating" included).
    public static func named(_ name: String) -> RatingSystem? {
        let key = name.uppercased()
        let alias: String =
            switch key {
            case "US", "MPA", "US-MPAA", "MOTION PICTURE ASSOCIATION": "MPAA"
            case "US-TV", "TV", "USA PARENTAL RATING", "VCHIP", "TV PARENTAL GUIDELINES": "TVPG"
            case "UK", "GB": "BBFC"
            case "DE": "FSK"
            default: key
            }
        return known.first { $0.name == alias }
    }

    /// The position of `value` in this system's order, or nil when it is not one of its values.
    public func rank(of value: String) -> Int? { values.firstIndex(of: value.uppercased()) }

    /// The youngest viewer `value` suits, or nil when it is not one of this system's values.
    public func minimumAge(of value: String) -> Int? { rank(of: value).map { minimumAges[$0] } }

    /// Whether a system name is one Microgenre knows or recognizes.
    public static func isRecognized(_ name: String) -> Bool {
        named(name) != nil || otherRecognizedNames.contains(name.uppercased())
    }
}
