/// The feed formats Microgenre reads, each mapped onto the same ``TitleRecord``.
public enum FeedFormat: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Microgenre's own feed format (root `<catalog>`), documented in the README.
    case microgenre
    /// XMLTV listings (root `<tv>`, records `<programme>`).
    case xmltv
    /// MovieLabs Common Metadata / Media Entertainment Core (`mdmec:CoreMetadata`,
    /// `md:BasicMetadata`, also inline in `manifest:MediaManifest`), and the assets of
    /// MovieLabs Avails (`avails:AvailList`).
    case movielabs
    /// CableLabs ADI 1.1 VOD packages (root `<ADI>`, the title `<Asset>`), and ADI 3.0
    /// (root `<ADI3>`, `title:TitleType` assets).
    case adi
    /// Media RSS (root `<rss>`, records `<item>` with `media:` elements).
    case mrss
    /// TV-Anytime metadata (root `<TVAMain>`, `<ProgramInformation>` and `<GroupInformation>`).
    case tvAnytime = "tv-anytime"

    public var description: String { rawValue }

    /// The format whose documents have root element `localName`, or nil.
    public init?(rootElement localName: String) {
        switch localName {
        case "catalog": self = .microgenre
        case "tv": self = .xmltv
        case "CoreMetadata", "BasicMetadata", "MediaManifest", "AvailList": self = .movielabs
        case "ADI", "ADI3": self = .adi
        case "rss": self = .mrss
        case "TVAMain": self = .tvAnytime
        default: return nil
        }
    }

    var mapper: any RecordMapper {
        switch self {
        case .microgenre: MicrogenreFeedMapper()
        case .xmltv: XMLTVMapper()
        case .movielabs: MovieLabsMapper()
        case .adi: ADIMapper()
        case .tvAnytime: TVAnytimeMapper()
        case .mrss: MediaRSSMapper()
        }
    }
}
