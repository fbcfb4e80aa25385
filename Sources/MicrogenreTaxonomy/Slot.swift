/// A position in a micro-genre name. Names list their facets in this order:
/// acclaim, region, tone, descriptor, subject, (genre modifiers), format, genre noun, then the
/// phrases about, source, setting, era, audience, lead and a person.
public enum Slot: String, Sendable, Hashable, CaseIterable, Comparable {
    case acclaim, region, tone, descriptor, subject, format, genre, about, source, setting, era, audience, lead, person

    /// Whether tags in this slot are written before the head noun.
    public var isBeforeNoun: Bool { self < .genre }

    public static func < (lhs: Slot, rhs: Slot) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
