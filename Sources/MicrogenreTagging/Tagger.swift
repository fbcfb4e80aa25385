public import MicrogenreCore
public import MicrogenreTaxonomy
import MicrogenreText

/// How much each kind of evidence counts, in [0, 1]. Evidence combines by noisy-or:
/// `score = 1 - (1 - w1)(1 - w2)...`, then a negated phrase multiplies it by ``negation``.
public struct TaggerWeights: Sendable, Hashable {
    /// A feed genre that names the tag.
    public var genre = 0.95
    /// A feed keyword that names the tag.
    public var keyword = 0.85
    /// Year, country, language and kind (exact facts).
    public var metadata = 0.95
    /// A rating that implies an audience.
    public var rating = 0.7
    /// A phrase naming the tag in the synopsis's first sentence ("is a 1995 romantic comedy film").
    public var leadNaming = 0.9
    /// A phrase naming the tag later in the synopsis.
    public var naming = 0.55
    /// A cue phrase in the synopsis's first sentence.
    public var leadCue = 0.35
    /// A cue phrase later in the synopsis.
    public var cue = 0.2
    /// A phrase naming the tag in the title.
    public var title = 0.3
    /// A child tag's score passed to its parents.
    public var parent = 0.9
    /// What a negated phrase ("not a comedy") multiplies the score by.
    public var negation = 0.2
    /// The learned model's probability is multiplied by this.
    public var model = 1.0
    /// A classifier over the title's embedding: its rise over the tag's base rate is multiplied by this.
    public var embedding = 1.0
    /// A title's calibrated similarity to a tag's description is multiplied by this.
    public var description = 1.0
    /// Co-viewing: the share of a title's co-viewing neighbours' mean score it takes (see
    /// ``CoViewingSmoother``). At 0.5, of 50 tags that co-viewing alone lifted to 0.5 on the
    /// MovieLens films, 12 were right; at 0.25 it never decides a tag alone.
    public var coviewing = 0.25

    /// The defaults.
    public init() {}

    /// Each weight by name, for overriding from the command line.
    nonisolated(unsafe) public static let keyPaths: [String: WritableKeyPath<TaggerWeights, Double>] = [
        "genre": \.genre, "keyword": \.keyword, "metadata": \.metadata, "rating": \.rating, "leadNaming": \.leadNaming,
        "naming": \.naming, "leadCue": \.leadCue, "cue": \.cue, "title": \.title, "parent": \.parent,
        "negation": \.negation, "model": \.model, "embedding": \.embedding, "description": \.description,
        "coviewing": \.coviewing,
    ]
}

/// Scores every taxonomy tag for a title, with the evidence behind each score.
///
/// Sources of evidence: the feed's genres and keywords (through taxonomy synonyms); metadata
/// (year to era, countries and languages to region, rating to audience, kind to format); phrases
/// in the synopsis and title, with negation ("not a comedy") and the parent hierarchy; and, when
/// a ``TagModel`` is given, the learned model. Not thread-safe: one per thread.
public final class Tagger {
    /// The taxonomy tags come from.
    public let taxonomy: Taxonomy
    /// The learned model, if any.
    public let model: TagModel?
    /// Evidence weights.
    public var weights = TaggerWeights()
    /// Scores below this are dropped from results.
    public var minimumScore = 0.05
    /// The year a title's age is counted to, for tags with a minimum age (the taxonomy's
    /// `minimum-age`: a classic is an older title); by default the current year (UTC).
    public var referenceYear = Tagger.currentYear

    private let namesAnalyzer: Analyzer
    private let textAnalyzer: Analyzer
    private let eraTags: [Int: Int]
    private let countryTags: [String: [Int]]
    private let languageTags: [String: [Int]]
    private let classifierTags: [Int?]
    private let headTags: [Int?]
    /// The taxonomy's `strong-female-lead` tag, when it has one.
    private let femaleLead: Int?
    /// The tags with a minimum age.
    private let agedTags: [Int]
    private let negators: Set<String> = [
        "not", "no", "never", "without", "neither", "nor", "isn't", "wasn't", "aren't", "doesn't", "don't", "didn't",
        "won't", "cannot", "can't", "hardly", "non",
    ]

    /// Creates a tagger; `model` adds learned evidence.
    public init(taxonomy: Taxonomy, model: TagModel? = nil) throws {
        self.taxonomy = taxonomy
        self.model = model
        femaleLead = taxonomy.index(of: TagID("strong-female-lead"))
        agedTags = taxonomy.tags.indices.filter { taxonomy.tags[$0].minimumAge != nil }
        namesAnalyzer = try Analyzer()
        textAnalyzer = try Analyzer(
            options: AnalyzerOptions(stem: true, removeStopwords: false, catenateHyphenated: true))
        var eras: [Int: Int] = [:]
        var countries: [String: [Int]] = [:]
        var languages: [String: [Int]] = [:]
        for (index, tag) in taxonomy.tags.enumerated() {
            if tag.facet == "era", let decade = Int(tag.id.rawValue.dropLast()), tag.id.rawValue.hasSuffix("s") {
                eras[decade] = index
            }
            for country in tag.countries { countries[country, default: []].append(index) }
            for language in tag.languages { languages[language, default: []].append(index) }
        }
        eraTags = eras
        countryTags = countries
        languageTags = languages
        classifierTags = model?.classifiers.map { taxonomy.index(of: $0.tag) } ?? []
        headTags = model?.embedding?.heads.map { taxonomy.index(of: $0.tag) } ?? []
    }

    /// The identity of the embedding model whose vectors the tag model's embedding heads read
    /// (nil: it has none, and ``tag(_:vector:)`` ignores vectors). Another model's vectors are
    /// ignored too.
    public var embeddingIdentity: String? { model?.embedding?.identity }

    /// Every tag scoring at least ``minimumScore``, highest first. With the title's embedding
    /// (as `microgenre index` keeps it) by the model ``embeddingIdentity`` names, the tag
    /// model's embedding heads add evidence from meaning.
    public func tag(_ record: TitleRecord, vector: TitleVector? = nil) -> [TagScore] {
        var scores = ScoreSheet(count: taxonomy.tags.count)
        addMetadata(record, to: &scores)
        addNamedFields(record, to: &scores)
        var pronouns = (female: 0, male: 0)
        var features = addSynopses(record, to: &scores, pronouns: &pronouns)
        addLeadGender(pronouns, to: &scores)
        keepFeedEvidenceOfTagsTooYoung(for: record, in: &scores)
        let rules = scores.results(taxonomy: taxonomy, weights: weights, minimum: minimumScore)
        guard let model else { return rules }
        addEmbedding(vector, to: &scores)
        for person in record.people.prefix(Self.maximumPeopleFeatures) {
            if let id = model.termTable.id(of: Array(Self.personFeature(person.name).utf8)) { features.append(id) }
        }
        for score in rules where score.score >= Self.ruleFeatureThreshold {
            if let id = model.termTable.id(of: Array(Self.ruleFeature(score.tag).utf8)) { features.append(id) }
        }
        var replaced: [Int: TagScore] = [:]
        for prediction in model.predict(features: features) {
            guard let tag = classifierTags[prediction.classifier] else { continue }
            let terms = { prediction.strongest.map { model.terms[Int($0)] }.joined(separator: " ") }
            if model.classifiers[prediction.classifier].replacesRules {
                // A model trained on labels weighed the rules' verdicts as features: its probability is the score.
                let ruleEvidence = rules.first { $0.tag == taxonomy.tags[tag].id }?.evidence ?? []
                let score = prediction.probability * weights.model
                let evidence = Evidence(source: .model, field: "model", text: terms(), weight: score)
                replaced[tag] = TagScore(
                    tag: taxonomy.tags[tag].id, score: score, evidence: [evidence] + ruleEvidence.prefix(7))
            } else {
                // Distant supervision: the evidence is what the title's words add to the tag's base
                // rate, not the base rate itself. A tag that 40% of the training titles carry
                // (Dramas) would otherwise go to every title its words say nothing about.
                let lift = Self.lift(prediction.probability, over: model.classifiers[prediction.classifier].bias)
                if lift >= 0.05 {
                    scores.add(
                        tag, Evidence(source: .model, field: "model", text: terms(), weight: lift * weights.model))
                }
            }
        }
        keepFeedEvidenceOfTagsTooYoung(for: record, in: &scores)
        for tag in tagsTooYoung(for: record) { replaced[tag] = nil }
        var combined = scores.results(taxonomy: taxonomy, weights: weights, minimum: minimumScore)
        combined.removeAll { score in taxonomy.index(of: score.tag).map { replaced[$0] != nil } ?? false }
        combined += replaced.values.filter { $0.score >= minimumScore }
        return combined.sorted { $0.score != $1.score ? $0.score > $1.score : $0.tag < $1.tag }
    }

    /// Evidence from meaning: each embedding head's evidence for the title's vector, at 0.05 or
    /// more, as source `embedding` (field `classifier` or `description`).
    private func addEmbedding(_ vector: TitleVector?, to scores: inout ScoreSheet) {
        guard let heads = model?.embedding, let vector, vector.identity == heads.identity,
            vector.values.count == heads.dimension
        else { return }
        let probabilities = heads.probabilities(vector.values)
        for (h, head) in heads.heads.enumerated() {
            guard let tag = headTags[h], taxonomy.tags[tag].inferredFromText else { continue }
            let evidence = EmbeddingHeads.evidence(probabilities[h], of: head)
            let weight = evidence * (head.kind == .classifier ? weights.embedding : weights.description)
            guard weight >= 0.05 else { continue }
            let text =
                head.kind == .classifier
                ? "classifier p \(Self.twoDecimals(Double(probabilities[h]))), base \(Self.twoDecimals(Double(head.prior)))"
                : "description p \(Self.twoDecimals(Double(probabilities[h])))"
            scores.add(
                tag,
                Evidence(
                    source: .embedding, field: head.kind == .classifier ? "classifier" : "description", text: text,
                    weight: weight))
        }
    }

    /// `value` with two decimals.
    static func twoDecimals(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100)." + (fraction < 10 ? "0" : "") + "\(fraction)"
    }

    /// The tags whose minimum age `record` has not reached by ``referenceYear`` (none when it
    /// has no year).
    private func tagsTooYoung(for record: TitleRecord) -> [Int] {
        guard !agedTags.isEmpty, let year = record.year else { return [] }
        return agedTags.filter { referenceYear - year < taxonomy.tags[$0].minimumAge! }
    }

    /// A title younger than a tag's minimum age gets it from feed genres and keywords only: its
    /// synopsis, title and the model say "classic" of a recent film when they mean a work it is
    /// based on or pays tribute to ("a classic", "classic Hollywood", "the golden age of").
    private func keepFeedEvidenceOfTagsTooYoung(for record: TitleRecord, in scores: inout ScoreSheet) {
        for tag in tagsTooYoung(for: record) {
            scores.evidence[tag].removeAll { $0.source != .genre && $0.source != .keyword && $0.source != .metadata }
            if scores.evidence[tag].isEmpty { scores.negated[tag] = false }
        }
    }

    /// The current year (UTC), from the system clock.
    public static var currentYear: Int {
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        return Int(parts.tm_year) + 1900
    }

    /// How far `probability` rises above the probability of a title with no features (the
    /// classifier's bias), as a share of the way to 1: 0 at or below the base rate, 1 at 1.
    static func lift(_ probability: Double, over bias: Float) -> Double {
        let base = 1 / (1 + exp(-Double(bias)))
        guard base < 1 else { return 0 }
        return max(0, (probability - base) / (1 - base))
    }

    /// A plot told in "she" and "her" is usually a woman's story: two or more female pronouns and
    /// more than twice as many as male ones suggest a female lead (weight 0.45 for two, 0.6 for
    /// three or four, 0.75 for five or more). Weak evidence, never a training label.
    private func addLeadGender(_ pronouns: (female: Int, male: Int), to scores: inout ScoreSheet) {
        guard let lead = femaleLead, pronouns.female >= 2, pronouns.female > 2 * pronouns.male else { return }
        let weight = pronouns.female >= 5 ? 0.75 : pronouns.female >= 3 ? 0.6 : 0.45
        scores.add(
            lead,
            Evidence(
                source: .synopsis, field: "synopsis",
                text: "she/her x\(pronouns.female), he/him x\(pronouns.male)", weight: weight))
    }

    /// 1 for she, her, hers, herself; -1 for he, him, his, himself; 0 otherwise.
    static func pronounGender(_ term: UnsafeBufferPointer<UInt8>) -> Int {
        switch term.count {
        case 2: return term[0] == 0x68 && term[1] == 0x65 ? -1 : 0  // he
        case 3:
            if term.elementsEqual("she".utf8) || term.elementsEqual("her".utf8) { return 1 }
            if term.elementsEqual("him".utf8) || term.elementsEqual("his".utf8) { return -1 }
            return 0
        case 4: return term.elementsEqual("hers".utf8) ? 1 : 0
        case 7:
            if term.elementsEqual("herself".utf8) { return 1 }
            return term.elementsEqual("himself".utf8) ? -1 : 0
        default: return 0
        }
    }

    /// Rule scores at or above this become model features (`#tag`).
    static let ruleFeatureThreshold = 0.5

    /// The feature for "the rules give this tag": `#` and the tag id.
    static func ruleFeature(_ tag: TagID) -> String { "#" + tag.rawValue }

    /// The tags a title names explicitly, with their ancestors: a feed genre or keyword, or a
    /// non-negated phrase naming the tag in a synopsis. The distant supervision the model
    /// learns from.
    public func explicitTags(_ record: TitleRecord) -> Set<Int> {
        var scores = ScoreSheet(count: taxonomy.tags.count)
        addNamedFields(record, to: &scores)
        _ = addSynopses(record, to: &scores)
        keepFeedEvidenceOfTagsTooYoung(for: record, in: &scores)
        var result: Set<Int> = []
        for index in scores.touched
        where !scores.negated[index]
            && scores.evidence[index].contains(where: {
                $0.source == .genre || $0.source == .keyword || ($0.source == .synopsis && $0.weight >= weights.naming)
            })
        {
            result.insert(index)
            result.formUnion(taxonomy.ancestors(of: index))
        }
        return result
    }

    /// The model's features as strings, for building a vocabulary: the distinct analyzed terms
    /// of the title and its synopses (stopwords out), the credited people as `@name`, and the
    /// tags the rules give as `#tag`.
    public func featureTerms(_ record: TitleRecord) -> Set<String> {
        var terms: Set<String> = []
        for text in [record.title] + record.synopses.map(\.text) {
            var previous: String?
            for token in namesAnalyzer.analyze(text) where token.type != .compound {
                terms.insert(token.term)
                if let previous { terms.insert(previous + " " + token.term) }
                previous = token.term
            }
        }
        for person in record.people.prefix(Self.maximumPeopleFeatures) { terms.insert(Self.personFeature(person.name)) }
        var scores = ScoreSheet(count: taxonomy.tags.count)
        addMetadata(record, to: &scores)
        addNamedFields(record, to: &scores)
        _ = addSynopses(record, to: &scores)
        for score in scores.results(taxonomy: taxonomy, weights: weights, minimum: minimumScore)
        where score.score >= Self.ruleFeatureThreshold {
            terms.insert(Self.ruleFeature(score.tag))
        }
        return terms
    }

    /// People features per title, at most.
    static let maximumPeopleFeatures = 20

    /// A credited person as a feature: `@` and the name lowercased, spaces single.
    static func personFeature(_ name: String) -> String {
        "@" + name.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }

    // MARK: - Sources

    private func addMetadata(_ record: TitleRecord, to scores: inout ScoreSheet) {
        switch record.kind {
        case .movie: add("movies", "kind", record.kind.rawValue, weights.metadata, &scores)
        case .series, .season, .episode: add("tv", "kind", record.kind.rawValue, weights.metadata, &scores)
        case .special: break
        }
        if let year = record.year, let tag = eraTags[year / 10 * 10] {
            scores.add(tag, Evidence(source: .metadata, field: "year", text: String(year), weight: weights.metadata))
        }
        for country in record.countries {
            for tag in countryTags[country.uppercased()] ?? [] {
                scores.add(tag, Evidence(source: .metadata, field: "country", text: country, weight: weights.metadata))
            }
        }
        for language in record.languages {
            let primary = String(language.lowercased().split(separator: "-").first ?? "")
            for tag in languageTags[primary] ?? [] {
                scores.add(
                    tag, Evidence(source: .metadata, field: "language", text: language, weight: weights.metadata))
            }
        }
        if let rating = record.rating, let system = RatingSystem.named(rating.system),
            let age = system.minimumAge(of: rating.value)
        {
            let text = "\(rating.system) \(rating.value)"
            if age <= 7 {
                add("family-friendly", "rating", text, weights.rating, &scores)
                add("kids", "rating", text, weights.rating * 0.8, &scores)
            } else if age <= 12 {
                add("family-friendly", "rating", text, weights.rating * 0.7, &scores)
            } else if age >= 17 {
                add("adult", "rating", text, weights.rating * 0.7, &scores)
            }
        }
    }

    private func add(_ id: String, _ field: String, _ text: String, _ weight: Double, _ scores: inout ScoreSheet) {
        if let index = taxonomy.index(of: TagID(id)) {
            scores.add(index, Evidence(source: .metadata, field: field, text: text, weight: weight))
        }
    }

    /// Feed genres and keywords, and the title, through the phrases that name tags.
    private func addNamedFields(_ record: TitleRecord, to scores: inout ScoreSheet) {
        let fields: [(Evidence.Source, String, [String], Double)] = [
            (.genre, "genre", record.genres, weights.genre), (.keyword, "keyword", record.keywords, weights.keyword),
            (.title, "title", [record.title], weights.title),
        ]
        for (source, field, values, weight) in fields {
            for value in values {
                let tokens = taxonomy.names.tokens(of: value, analyzer: namesAnalyzer)
                for match in taxonomy.names.matches(in: tokens) {
                    let phrase = String(decoding: Array(value.utf8)[match.start..<match.end], as: UTF8.self)
                    for entry in match.entries {
                        // A title's words tell what it is about ("A Christmas Carol"), not its era,
                        // origin, genre or format ("The Lawless Eighties", "Silent Movie").
                        if source == .title && ![.subject, .setting, .about].contains(taxonomy.tags[entry.tag].slot) {
                            continue
                        }
                        scores.add(
                            entry.tag,
                            Evidence(source: source, field: field, text: phrase, offset: match.start, weight: weight))
                    }
                }
            }
        }
    }

    /// Cue and naming phrases in the synopses, with negation; returns the model's features.
    private func addSynopses(_ record: TitleRecord, to scores: inout ScoreSheet) -> [Int32] {
        var pronouns = (female: 0, male: 0)
        return addSynopses(record, to: &scores, pronouns: &pronouns)
    }

    /// As above, also counting the synopses' third-person pronouns by gender.
    private func addSynopses(
        _ record: TitleRecord, to scores: inout ScoreSheet, pronouns: inout (female: Int, male: Int)
    ) -> [Int32] {
        var features: Set<Int32> = []
        let texts = [record.title] + record.synopses.map(\.text)
        for (k, text) in texts.enumerated() {
            var tokens: [PhraseMatcher.Token] = []
            var copy = text
            var previous: [UInt8] = []
            var pair: [UInt8] = []
            _ = copy.withUTF8 { utf8 in
                textAnalyzer.analyze(utf8) { view in
                    tokens.append(taxonomy.cues.token(for: view))
                    if k > 0 && view.term.count <= 7 {
                        switch Self.pronounGender(view.term) {
                        case 1: pronouns.female += 1
                        case -1: pronouns.male += 1
                        default: break
                        }
                    }
                    guard let model, !view.isStopword, view.type != .compound else { return }
                    if let id = model.termTable.id(of: view.term) { features.insert(id) }
                    if !previous.isEmpty {
                        pair.removeAll(keepingCapacity: true)
                        pair += previous
                        pair.append(0x20)
                        pair += view.term
                        if let id = model.termTable.id(of: pair) { features.insert(id) }
                    }
                    previous.removeAll(keepingCapacity: true)
                    previous += view.term
                }
            }
            guard k > 0 else { continue }  // the title feeds the model only; its phrases were read above
            let bytes = Array(text.utf8)
            let leadEnd = firstSentenceEnd(bytes)
            var names: [Range<Int>]?
            let matches = Self.outermost(taxonomy.cues.matches(in: tokens, overlapping: true))
            for match in matches {
                // A phrase does not run from one sentence into the next ("... in the war. The film").
                if Self.crossesSentenceEnd(bytes[match.start..<match.end]) { continue }
                // Words of the title or of a credited person's name ("Karen Black", "King Vidor",
                // "The Dakota Kid") name them, not what the title is about; the title's own words
                // were read above, by the title's rules.
                // (Names are capitalized, so only capitalized matches are looked up.)
                // A tag's `people` ("Charles Dickens" of Classic Literature) are read inside names.
                var insideName = false
                if Self.isCapitalized(bytes[match.start]) {
                    if names == nil { names = Self.nameSpans(of: record, in: bytes) }
                    insideName = names!.contains { $0.lowerBound <= match.start && match.end <= $0.upperBound }
                    if insideName && !match.entries.contains(where: \.isPerson) { continue }
                }
                let phrase = String(decoding: bytes[match.start..<match.end], as: UTF8.self)
                let negated = isNegated(match, tokens: tokens, bytes: bytes)
                let lead = match.start < leadEnd
                for entry in match.entries {
                    // A proper name ("20th Century Fox") stands for nothing; the matches inside it
                    // were dropped as inside a longer phrase.
                    if entry.isProperName || insideName && !entry.isPerson { continue }
                    // "Stephen King", "the Cisco Kid": a capitalized name-word after a capitalized
                    // word is part of a name.
                    if !taxonomy.tags[entry.tag].nameWords.isEmpty,
                        taxonomy.tags[entry.tag].nameWords.contains(entry.phrase.lowercased()),
                        Self.followsACapitalizedWord(match.start, in: bytes)
                    {
                        continue
                    }
                    if entry.isAgainst {
                        // "box office bomb" speaks against Blockbuster as "not a blockbuster" would;
                        // "not a box office bomb" says nothing, nor does the "flop" inside "not a
                        // box office flop".
                        if !negated && !Self.insideLongerAgainst(match, of: entry.tag, in: matches) {
                            scores.add(
                                entry.tag,
                                Evidence(
                                    source: .negated, field: "synopsis", text: phrase, offset: match.start, weight: 0))
                        }
                        continue
                    }
                    // Where a title comes from is a fact of its lead sentence ("is a 1995 British film"),
                    // not of places its plot visits.
                    // Nor of the people and works a lead names ("based on the Japanese manga", "the
                    // novel by German author ...").
                    if taxonomy.tags[entry.tag].slot == .region
                        && (!(lead && entry.isNaming) || Self.describesAPersonOrWork(after: match.end, in: bytes))
                    {
                        continue
                    }
                    let weight =
                        entry.isNaming
                        ? (lead ? weights.leadNaming : weights.naming) : (lead ? weights.leadCue : weights.cue)
                    scores.add(
                        entry.tag,
                        Evidence(
                            source: negated ? .negated : .synopsis, field: "synopsis", text: phrase,
                            offset: match.start,
                            weight: weight))
                }
            }
        }
        return features.sorted()  // a fixed order: the same title always gets the same sums and evidence
    }

    /// Where the title and the credited people's names occur in `bytes` (exact, case-sensitive).
    private static func nameSpans(of record: TitleRecord, in bytes: [UInt8]) -> [Range<Int>] {
        var spans: [Range<Int>] = []
        let names = [record.title] + record.people.prefix(maximumPeopleFeatures).map(\.name)
        for name in names where name.utf8.count >= 3 {
            let needle = Array(name.utf8)
            var from = 0
            while let found = firstRange(of: needle, in: bytes, from: from) {
                spans.append(found)
                from = found.upperBound
            }
        }
        for trigger in creditTriggers {
            var from = 0
            while let found = firstRange(of: trigger, in: bytes, from: from) {
                spans += creditedNames(in: bytes, from: found.upperBound)
                from = found.upperBound
            }
        }
        return spans
    }

    /// Phrases a synopsis puts before the people it credits ("directed by Mike Judge", "the novel by
    /// Stephen King"); not "produced by", which is as often followed by a studio ("Walt Disney Productions"). A hyphen
    /// is a word boundary, so "written by" also finds "co-written by", and "starring" "co-starring".
    private static let creditTriggers: [[UInt8]] = [
        "directed by", "written by", "screenplay by", "music by", "starring", "stars", "starred", "featuring",
        "voices of", "narrated by", "cinematography by", "edited by", "novel by", "story by", "play by", "book by",
        "stories by", "memoir by", "same name by",
    ].map { Array($0.utf8) }

    /// The names after a credit trigger at `start`: capitalized words ("Burton L. King", "Vincent
    /// D'Onofrio"), one name or a list of them joined by commas and "and".
    private static func creditedNames(in bytes: [UInt8], from start: Int) -> [Range<Int>] {
        var spans: [Range<Int>] = []
        var k = start
        while k + 1 < bytes.count && bytes[k] == 0x20 && startsName(bytes, at: k + 1) {
            k += 1
            let nameStart = k
            var endsSentence = false
            while true {
                var end = k
                while end < bytes.count && !isNameBreak(bytes[end]) { end += 1 }
                // A period after a word longer than an initial ("L.") ends the sentence.
                if bytes[end - 1] == 0x2E && end - k > 2 {
                    k = end - 1
                    endsSentence = true
                    break
                }
                k = end
                guard k + 1 < bytes.count, bytes[k] == 0x20, startsName(bytes, at: k + 1) else { break }
                k += 1
            }
            spans.append(nameStart..<k)
            if endsSentence { break }
            if bytes[k...].starts(with: ", and".utf8) {
                k += 5
            } else if bytes[k...].starts(with: ",".utf8) {
                k += 1
            } else if bytes[k...].starts(with: " and".utf8) {
                k += 4
            } else {
                break
            }
        }
        return spans
    }

    /// A capitalized word, or a quoted one: the nickname in `George "Gabby" Hayes`.
    private static func startsName(_ bytes: [UInt8], at k: Int) -> Bool {
        isCapitalized(bytes[k]) || bytes[k] == 0x22 && k + 1 < bytes.count && isCapitalized(bytes[k + 1])
    }

    private static func isNameBreak(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x2C || byte == 0x3B || byte == 0x28 || byte == 0x29
    }

    private static func isCapitalized(_ byte: UInt8) -> Bool { byte >= 0x41 && byte <= 0x5A || byte >= 0xC3 }

    /// The first occurrence of `needle` in `bytes` at or after `from`, on word boundaries.
    private static func firstRange(of needle: [UInt8], in bytes: [UInt8], from: Int) -> Range<Int>? {
        guard !needle.isEmpty, from + needle.count <= bytes.count else { return nil }
        return bytes.withUnsafeBufferPointer { haystack in
            needle.withUnsafeBufferPointer { needle in
                let base = haystack.baseAddress!
                let last = haystack.count - needle.count  // the last place a match can start
                var k = from
                while k <= last {
                    // memchr finds the first byte's candidates.
                    guard let hit = memchr(base + k, Int32(needle[0]), last - k + 1) else { return nil }
                    let start = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(hit))
                    let end = start + needle.count
                    if memcmp(base + start, needle.baseAddress!, needle.count) == 0 {
                        let before = start == 0 ? 0x20 : haystack[start - 1]
                        let after = end == haystack.count ? 0x20 : haystack[end]
                        if !isWordByte(before) && !isWordByte(after) { return start..<end }
                    }
                    k = start + 1
                }
                return nil
            }
        }
    }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A || byte >= 0x30 && byte <= 0x39 || byte >= 0x80
    }

    /// Whether the capitalized word at `start` follows a capitalized word in the same sentence
    /// ("Stephen King", "Dead End Kids"), not an article ("The King") or a sentence's end ("...
    /// in Paris. King Louis").
    static func followsACapitalizedWord(_ start: Int, in bytes: [UInt8]) -> Bool {
        guard start >= 2, isCapitalized(bytes[start]), bytes[start - 1] == 0x20 else { return false }
        let end = start - 1
        var k = end
        while k > 0 && (isWordByte(bytes[k - 1]) || bytes[k - 1] == 0x2E || bytes[k - 1] == 0x27) { k -= 1 }
        guard k < end, isCapitalized(bytes[k]) else { return false }
        let word = bytes[k..<end]
        if word.last == 0x2E && word.count > 3 { return false }  // "Paris." ends a sentence; "Dr." does not
        return !["The", "A", "An"].contains { word.elementsEqual($0.utf8) }
    }

    /// Nouns that, right after a nationality, make it the nationality of a person or a work
    /// rather than of the film ("a Japanese manga", "a German author").
    private static let personOrWorkNouns: Set<[UInt8]> = Set(
        [
            "author", "authors", "novel", "novels", "novelist", "writer", "writers", "director", "directors",
            "filmmaker", "filmmakers", "singer", "singers", "actor", "actors", "actress", "actresses", "manga",
            "comic", "comics", "poet", "playwright", "composer", "band", "musician", "musicians", "artist", "book",
            "books", "poem", "journalist", "army", "soldier", "soldiers", "troops", "officer", "officers", "spy",
            "spies", "agent", "agents", "government", "immigrant", "immigrants", "family", "man", "woman", "girl",
            "boy", "king", "queen", "prince", "princess", "emperor", "revolution", "invasion", "occupation",
        ].map { Array($0.utf8) })

    /// Whether the word after `end` (past spaces and hyphens) is one of ``personOrWorkNouns``.
    static func describesAPersonOrWork(after end: Int, in bytes: [UInt8]) -> Bool {
        var k = end
        while k < bytes.count && (bytes[k] == 0x20 || bytes[k] == 0x2D) { k += 1 }
        var word: [UInt8] = []
        while k < bytes.count && isWordByte(bytes[k]) && word.count < 16 {
            word.append(bytes[k] | (bytes[k] < 0x80 ? 0x20 : 0))
            k += 1
        }
        return personOrWorkNouns.contains(word)
    }

    /// Whether `span` holds the end of a sentence: "!", "?" or ";" before a space, or a period
    /// before a space after a word of three letters or more (not an initial as in "L. B. Mayer",
    /// nor "vs." or "Dr.").
    static func crossesSentenceEnd(_ span: ArraySlice<UInt8>) -> Bool {
        var k = span.startIndex
        while k + 1 < span.endIndex {
            let b = span[k]
            if span[k + 1] == 0x20 {
                if b == 0x21 || b == 0x3F || b == 0x3B { return true }
                if b == 0x2E {
                    var start = k
                    while start > span.startIndex && isWordByte(span[start - 1]) { start -= 1 }
                    if k - start >= 3 { return true }
                }
            }
            k += 1
        }
        return false
    }

    /// The end of the first sentence: the first ". " (or "! ", "? ") after 20 bytes.
    private func firstSentenceEnd(_ bytes: [UInt8]) -> Int {
        var k = min(20, bytes.count)
        while k + 1 < bytes.count {
            let b = bytes[k]
            if (b == 0x2E || b == 0x21 || b == 0x3F) && bytes[k + 1] == 0x20 { return k }
            k += 1
        }
        return bytes.count
    }

    /// The matches not inside a longer match of other tags: in "box office" the phrase of the
    /// blockbuster tag wins over "box" (boxing) and "office" (workplace) inside it. A match
    /// inside a longer one of the same tag stays ("comedy" in "comedy of errors"), and matches
    /// side by side or overlapping only in part all stay ("crime thriller": crime and thrillers).
    static func outermost(_ matches: [PhraseMatcher.Match]) -> [PhraseMatcher.Match] {
        guard matches.count > 1 else { return matches }
        return matches.filter { inner in
            !matches.contains { outer in
                outer.start <= inner.start && outer.end >= inner.end
                    && outer.end - outer.start > inner.end - inner.start
                    && !outer.entries.contains { entry in inner.entries.contains { $0.tag == entry.tag } }
            }
        }
    }

    /// Whether a longer phrase speaking against `tag` holds `match`.
    private static func insideLongerAgainst(
        _ match: PhraseMatcher.Match, of tag: Int, in matches: [PhraseMatcher.Match]
    )
        -> Bool
    {
        matches.contains { outer in
            outer.start <= match.start && outer.end >= match.end && outer.end - outer.start > match.end - match.start
                && outer.entries.contains { $0.tag == tag && $0.isAgainst }
        }
    }

    /// A negation word among the three words before the match, in the same sentence.
    private func isNegated(_ match: PhraseMatcher.Match, tokens: [PhraseMatcher.Token], bytes: [UInt8]) -> Bool {
        var k = match.firstToken - 1
        var seen = 0
        while k >= 0 && seen < 3 {
            let token = tokens[k]
            k -= 1
            if token.isCompound { continue }
            seen += 1
            if bytes[token.end..<match.start].contains(where: { $0 == 0x2E || $0 == 0x3B || $0 == 0x21 || $0 == 0x3F })
            {
                return false
            }
            let word = String(decoding: bytes[token.start..<token.end], as: UTF8.self).lowercased()
            if negators.contains(word) || word.hasSuffix("n't") || word.hasSuffix("n’t") { return true }
        }
        return false
    }
}

/// Evidence collected for one title, per tag index.
struct ScoreSheet {
    var evidence: [[Evidence]]
    var negated: [Bool]
    var touched: [Int] = []

    init(count: Int) {
        evidence = Array(repeating: [], count: count)
        negated = Array(repeating: false, count: count)
    }

    mutating func add(_ tag: Int, _ item: Evidence) {
        if evidence[tag].isEmpty { touched.append(tag) }
        if item.source == .negated { negated[tag] = true }
        // Overlapping phrases at one place ("comedy", "comedy film") are one piece of evidence.
        if let offset = item.offset,
            let same = evidence[tag].firstIndex(where: {
                $0.offset == offset && $0.source == item.source && $0.field == item.field
            })
        {
            if item.weight > evidence[tag][same].weight { evidence[tag][same] = item }
            return
        }
        evidence[tag].append(item)
    }

    /// Combines evidence by noisy-or, passes scores up the hierarchy, applies negations.
    func results(taxonomy: Taxonomy, weights: TaggerWeights, minimum: Double) -> [TagScore] {
        var score: [Int: Double] = [:]
        // What a tag passes to its parents: its score without the similarity to its
        // description, which says the title is like the tag, not that it is the tag's kind
        // (a film near "forbidden love" is not thereby a romance).
        var passed: [Int: Double] = [:]
        for tag in touched {
            var keep = 1.0
            var keepPassed = 1.0
            for item in evidence[tag] where item.source != .negated {
                keep *= 1 - min(max(item.weight, 0), 1)
                if !(item.source == .embedding && item.field == "description") {
                    keepPassed *= 1 - min(max(item.weight, 0), 1)
                }
            }
            score[tag] = 1 - keep
            passed[tag] = 1 - keepPassed
        }
        var inherited: [Int: [Evidence]] = [:]
        for tag in touched {
            guard let own = passed[tag], own > 0 else { continue }
            for ancestor in taxonomy.ancestors(of: tag) {
                let item = Evidence(
                    source: .parent, field: "tag", text: taxonomy.tags[tag].id.rawValue, weight: own * weights.parent)
                inherited[ancestor, default: []].append(item)
            }
        }
        for (ancestor, items) in inherited {
            var keep = 1 - (score[ancestor] ?? 0)
            for item in items { keep *= 1 - item.weight }
            score[ancestor] = 1 - keep
        }
        var results: [TagScore] = []
        for (tag, value) in score {
            var final = value
            if negated[tag] { final *= weights.negation }
            guard final >= minimum else { continue }
            var items = evidence[tag] + (inherited[tag] ?? [])
            items.sort { $0.weight > $1.weight }
            results.append(TagScore(tag: taxonomy.tags[tag].id, score: final, evidence: Array(items.prefix(8))))
        }
        return results.sorted { $0.score != $1.score ? $0.score > $1.score : $0.tag < $1.tag }
    }
}

#if canImport(Glibc)
    import Glibc
#endif
