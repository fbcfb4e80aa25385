internal import CICU

/// The ISO code lists ICU carries, to check the committed copies in `ISOCodes` against.
public enum ICULocales {
    /// ISO 3166-1 alpha-2 country codes (`uloc_getISOCountries`).
    public static var countries: [String] { strings(cicu_iso_countries()) }
    /// ISO 639 language codes, two and three letters (`uloc_getISOLanguages`).
    public static var languages: [String] { strings(cicu_iso_languages()) }

    private static func strings(_ list: UnsafePointer<UnsafePointer<CChar>?>?) -> [String] {
        var result: [String] = []
        guard var p = list else { return result }
        while let s = p.pointee {
            result.append(String(cString: s))
            p += 1
        }
        return result
    }
}
