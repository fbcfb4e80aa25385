public import MicrogenreCore

/// One thing a user did with a title.
public struct ViewingEvent: Sendable, Hashable {
    /// What happened.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// Watched for `value` seconds.
        case play
        /// Watched to the end.
        case complete
        /// Started and gave up.
        case abandon
        /// Rated `value` (on a 0 to 5 scale).
        case rating
        /// A thumb up.
        case thumbUp = "thumb_up"
        /// A thumb down.
        case thumbDown = "thumb_down"

        /// The kind's place in ``allCases``: a fixed order for sorting events.
        public var rank: Int {
            switch self {
            case .play: 0
            case .complete: 1
            case .abandon: 2
            case .rating: 3
            case .thumbUp: 4
            case .thumbDown: 5
            }
        }

        /// Whether the event carries a number (`play`: seconds, `rating`: the rating).
        public var needsValue: Bool { self == .play || self == .rating }
    }

    /// The user's id, as the source gives it.
    public var user: String
    /// The title's id in the catalog.
    public var title: TitleID
    /// Seconds since 1970-01-01 UTC.
    public var timestamp: Int64
    /// What happened.
    public var kind: Kind
    /// Seconds watched for `play`, the rating for `rating`, 0 otherwise.
    public var value: Double

    /// An event.
    public init(user: String, title: TitleID, timestamp: Int64, kind: Kind, value: Double = 0) {
        self.user = user
        self.title = title
        self.timestamp = timestamp
        self.kind = kind
        self.value = value
    }
}

/// A row of an events file that could not be read.
public struct EventError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Where: file and line (column 1 for row-level problems).
    public var location: SourceLocation
    /// What is wrong with the row.
    public var message: String

    /// An error at `location`.
    public init(_ location: SourceLocation, _ message: String) {
        self.location = location
        self.message = message
    }

    /// `FILE:LINE:COL: message`.
    public var description: String { "\(location): \(message)" }
}
