internal import CICU
import MicrogenreCore

/// The ISO code lists ICU carries, to check the committed copies in `ISOCodes` against.
public enum ICULocales {
    /// ISO 3166-1 alpha-2 country codes (`uloc_getISOCountries`).
    public static var countries: [String] { strings(cicu_iso_countries()) }
    /// ISO 639 language codes, two and three letters (`uloc_getISOLanguages`).
    public static var languages: [String] { strings(cicu_iso_languages()) }

    /// The English name of an ISO 3166 country code ("JP" -> "Japan"), or nil when it is no
    /// such code (`uloc_getDisplayCountry`).
    public static func countryName(_ code: String) -> String? {
        guard ISOCodes.countries.contains(code.uppercased()) else { return nil }
        return displayName("und_" + code.uppercased(), cicu_display_country)
    }

    /// The English name of an ISO 639 language code or BCP 47 tag ("ja" -> "Japanese"), or nil
    /// (`uloc_getDisplayLanguage`).
    public static func languageName(_ code: String) -> String? {
        guard !code.isEmpty, code.count <= 35, code.allSatisfy({ $0.isASCII && ($0.isLetter || $0 == "-") }) else {
            return nil
        }
        return displayName(code, cicu_display_language)
    }

    private static func displayName(
        _ locale: String,
        _ function: (UnsafePointer<CChar>?, UnsafeMutablePointer<UChar>?, Int32, UnsafeMutablePointer<UErrorCode>?) ->
            Int32
    ) -> String? {
        var buffer = [UInt16](repeating: 0, count: 128)
        var status = U_ZERO_ERROR
        let length = buffer.withUnsafeMutableBufferPointer { function(locale, $0.baseAddress, 128, &status) }
        guard status.rawValue <= U_ZERO_ERROR.rawValue, status != U_USING_DEFAULT_WARNING, length > 0, length <= 128
        else { return nil }
        let name = String(decoding: buffer[0..<Int(length)], as: UTF16.self)
        // ICU echoes an unknown code back.
        return name.uppercased() == locale.uppercased() || locale.hasSuffix("_" + name) ? nil : name
    }

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
