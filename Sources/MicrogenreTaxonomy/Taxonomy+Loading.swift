import MicrogenreCore
import MicrogenreText

extension Taxonomy {
    /// Loads every `*.taxonomy` file in `directory` (in name order) and validates the whole:
    /// throws a ``TaxonomyError`` listing every problem with its file and line.
    public static func load(directory: String) throws -> Taxonomy {
        let files = try FileSystem.list(directory).filter { $0.hasSuffix(".taxonomy") }
        guard !files.isEmpty else {
            throw TaxonomyError([Diagnostic(.error, at: SourceLocation(file: directory, line: 0), "no .taxonomy files")]
            )
        }
        let sources = try files.map { name in
            let path = directory.hasSuffix("/") ? directory + name : "\(directory)/\(name)"
            return (path, try FileSystem.readText(path))
        }
        return try parse(sources)
    }

    /// Parses and validates taxonomy sources given as (file name, text) pairs.
    public static func parse(_ sources: [(file: String, text: String)]) throws -> Taxonomy {
        var reader = TaxonomyReader()
        for (file, text) in sources { reader.read(text, file: file) }
        return try reader.build()
    }
}

/// Reads the block format line by line and checks it; see Taxonomy/README.md.
struct TaxonomyReader {
    var facets: [Facet] = []
    var tags: [Tag] = []
    var properNames: [ProperNames] = []
    var combinedPhrases: [CombinedPhrases] = []
    var problems: [Diagnostic] = []
    private var facetLocations: [String: SourceLocation] = [:]

    private enum Block {
        case none
        case facet(Int)
        case tag(Int)
        case names(Int)
        case combined(Int)
    }

    mutating func read(_ text: String, file: String) {
        var block = Block.none
        var currentFacet: Int?
        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let location = SourceLocation(file: file, line: offset + 1)
            var line = Substring(rawLine)
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            while line.last == " " || line.last == "\t" || line.last == "\r" { line.removeLast() }
            if line.isEmpty { continue }
            let indented = line.first == " " || line.first == "\t"
            let content = line.drop(while: { $0 == " " || $0 == "\t" })
            if !indented {
                let words = content.split(separator: " ", maxSplits: 1).map(String.init)
                guard words.count == 2 else {
                    fail(
                        location,
                        "expected 'facet ID', 'tag ID', 'names ID', 'ignore ID' or 'combined ID', found '\(content)'")
                    block = .none
                    continue
                }
                let id = words[1]
                if !Self.isValidID(id) {
                    fail(location, "'\(id)' is not a valid id (lowercase letters and digits joined by '-')")
                }
                switch words[0] {
                case "facet":
                    if let earlier = facetLocations[id] {
                        fail(location, "duplicate facet '\(id)' (first defined at \(earlier))")
                    }
                    facetLocations[id] = location
                    facets.append(Facet(id: id, name: id, slot: .subject))
                    currentFacet = facets.count - 1
                    block = .facet(facets.count - 1)
                case "tag":
                    guard let facetIndex = currentFacet else {
                        fail(location, "tag '\(id)' comes before any facet")
                        block = .none
                        continue
                    }
                    let facet = facets[facetIndex]
                    tags.append(
                        Tag(
                            id: TagID(id), facet: facet.id, slot: facet.slot, form: nil, noun: nil, modifier: nil,
                            synonyms: [], cues: [], parents: [], countries: [], languages: [], location: location))
                    block = .tag(tags.count - 1)
                case "names", "ignore":
                    if let earlier = properNames.first(where: { $0.id == id }) {
                        fail(location, "duplicate \(words[0]) block '\(id)' (first defined at \(earlier.location))")
                    }
                    properNames.append(ProperNames(id: id, keyword: words[0], phrases: [], location: location))
                    block = .names(properNames.count - 1)
                case "combined":
                    if let earlier = combinedPhrases.first(where: { $0.id == id }) {
                        fail(location, "duplicate combined block '\(id)' (first defined at \(earlier.location))")
                    }
                    combinedPhrases.append(CombinedPhrases(id: id, phrases: [], tags: [], location: location))
                    block = .combined(combinedPhrases.count - 1)
                default:
                    fail(
                        location,
                        "expected 'facet ID', 'tag ID', 'names ID', 'ignore ID' or 'combined ID', found '\(content)'")
                    block = .none
                }
                continue
            }
            guard let colon = content.firstIndex(of: ":") else {
                fail(location, "expected 'field: value', found '\(content)'")
                continue
            }
            let key = String(content[..<colon])
            let value = String(content[content.index(after: colon)...].drop(while: { $0 == " " }))
            switch block {
            case .none:
                fail(location, "field '\(key)' outside a facet, tag, names, ignore or combined block")
            case .facet(let index):
                switch key {
                case "name": facets[index].name = value
                case "slot":
                    if let slot = Slot(rawValue: value) {
                        facets[index].slot = slot
                    } else {
                        unknownSlot(value, location)
                    }
                default: fail(location, "unknown facet field '\(key)' (known: name, slot)")
                }
            case .tag(let index):
                setField(key, value, of: index, at: location)
            case .names(let index):
                guard key == "phrases" else {
                    fail(location, "unknown \(properNames[index].keyword) field '\(key)' (known: phrases)")
                    continue
                }
                properNames[index].phrases += Self.commaList(value)
            case .combined(let index):
                switch key {
                case "phrases": combinedPhrases[index].phrases += Self.commaList(value)
                case "tags": combinedPhrases[index].tags += Self.commaList(value).map(TagID.init)
                default: fail(location, "unknown combined field '\(key)' (known: phrases, tags)")
                }
            }
        }
    }

    /// A field's comma-separated values, trimmed, empty ones left out.
    private static func commaList(_ value: String) -> [String] {
        value.split(separator: ",").map { String($0).trimmed }.filter { !$0.isEmpty }
    }

    private mutating func setField(_ key: String, _ value: String, of index: Int, at location: SourceLocation) {
        let list = Self.commaList(value)
        for phrase in list where key != "description" && tags[index].phraseLocations[phrase] == nil {
            tags[index].phraseLocations[phrase] = location
        }
        switch key {
        case "form": tags[index].form = value
        case "noun": tags[index].noun = value
        case "modifier": tags[index].modifier = value
        case "synonyms": tags[index].synonyms += list
        case "cues": tags[index].cues += list
        case "name-synonyms": tags[index].nameSynonyms += list
        case "against": tags[index].against += list
        case "name-words": tags[index].nameWords += list.map { $0.lowercased() }
        case "people": tags[index].people += list
        case "text-synonyms": tags[index].textSynonyms += list
        case "description":
            if tags[index].description != nil {
                fail(location, "tag '\(tags[index].id)' has a second description")
            } else if value.isEmpty {
                fail(location, "tag '\(tags[index].id)' has an empty description")
            } else if value.count > Self.maximumDescriptionLength {
                fail(
                    location,
                    "the description of tag '\(tags[index].id)' is \(value.count) characters long, over \(Self.maximumDescriptionLength): it is one line"
                )
            } else {
                tags[index].description = value
                tags[index].descriptionLocation = location
            }
        case "minimum-age":
            if let years = Int(value), years >= 0 {
                tags[index].minimumAge = years
            } else {
                fail(location, "minimum-age takes a number of years, found '\(value)'")
            }
        case "parents": tags[index].parents += list.map(TagID.init)
        case "countries": tags[index].countries += list.map { $0.uppercased() }
        case "languages": tags[index].languages += list.map { $0.lowercased() }
        case "slot":
            if let slot = Slot(rawValue: value) { tags[index].slot = slot } else { unknownSlot(value, location) }
        case "inferred":
            switch value {
            case "yes": tags[index].inferredFromText = true
            case "no": tags[index].inferredFromText = false
            default: fail(location, "inferred takes yes or no, found '\(value)'")
            }
        default:
            fail(
                location,
                "unknown tag field '\(key)' (known: form, noun, modifier, description, synonyms, name-synonyms, text-synonyms, cues, against, name-words, people, minimum-age, parents, countries, languages, slot, inferred)"
            )
        }
    }

    private mutating func failStopwordsOnly(_ phrase: String, of tag: Tag) {
        fail(tag.phraseLocations[phrase] ?? tag.location, "phrase '\(phrase)' of tag '\(tag.id)' holds only stopwords")
    }

    private mutating func unknownSlot(_ value: String, _ location: SourceLocation) {
        fail(location, "unknown slot '\(value)' (known: \(Slot.allCases.map(\.rawValue).joined(separator: ", ")))")
    }

    private mutating func fail(_ location: SourceLocation, _ message: String) {
        problems.append(Diagnostic(.error, at: location, message))
    }

    static func isValidID(_ id: String) -> Bool {
        guard let first = id.first, first != "-", id.last != "-", !id.contains("--") else { return false }
        return id.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    /// Checks the tags as a whole and builds the matchers.
    mutating func build() throws -> Taxonomy {
        var byID: [TagID: Int] = [:]
        for (index, tag) in tags.enumerated() {
            if let earlier = byID[tag.id] {
                fail(tag.location, "duplicate tag '\(tag.id)' (first defined at \(tags[earlier].location))")
            } else {
                byID[tag.id] = index
            }
            if tag.slot == .genre && tag.noun == nil && tag.modifier == nil {
                fail(tag.location, "genre tag '\(tag.id)' needs a noun or a modifier")
            } else if tag.slot != .genre && tag.form == nil && tag.noun == nil {
                fail(tag.location, "tag '\(tag.id)' needs a form")
            }
            for parent in tag.parents where byID[parent] == nil && !tags.contains(where: { $0.id == parent }) {
                fail(
                    tag.phraseLocations[parent.rawValue] ?? tag.location,
                    "tag '\(tag.id)' has unknown parent '\(parent)'")
            }
        }
        checkCycles(byID)
        let analyzer: Analyzer
        do {
            analyzer = try Analyzer()
        } catch {
            throw TaxonomyError([Diagnostic(.error, at: SourceLocation(file: "ICU", line: 0), "\(error)")])
        }
        var names = PhraseMatcher()
        var cues = PhraseMatcher()
        var owners: [[String]: (tag: Int, phrase: String)] = [:]
        for (index, tag) in tags.enumerated() {
            // A naming phrase is name-only when a name-only synonym is the same terms ("Kids'"
            // beside "kids"), whatever its case or inflection.
            let nameOnly = Set(tag.nameSynonyms.flatMap { PhraseMatcher.termVariants($0, analyzer: analyzer) })
            for phrase in tag.namingPhrases {
                let entry = PhraseMatcher.Entry(tag: index, isNaming: true, phrase: phrase)
                let variants = names.add(phrase, entry, analyzer: analyzer)
                // A genre's modifier ("Family", "War") names it in a micro-genre name, but alone in
                // a synopsis it is too common a word to count; synonyms and cues say when it does.
                // Name-only synonyms are not read in synopses either.
                if tag.inferredFromText && phrase != tag.modifier && !variants.allSatisfy(nameOnly.contains) {
                    cues.add(phrase, entry, analyzer: analyzer)
                }
                if variants.isEmpty { failStopwordsOnly(phrase, of: tag) }
                for terms in variants {
                    if let owner = owners[terms], owner.tag != index {
                        let earlier = tags[owner.tag].phraseLocations[owner.phrase] ?? tags[owner.tag].location
                        fail(
                            tag.phraseLocations[phrase] ?? tag.location,
                            "phrase '\(phrase)' of tag '\(tag.id)' already names tag '\(tags[owner.tag].id)' "
                                + "(as '\(owner.phrase)', \(earlier))")
                    } else {
                        owners[terms] = (index, phrase)
                    }
                }
            }
            for phrase in tag.cues where tag.inferredFromText {
                cues.add(phrase, PhraseMatcher.Entry(tag: index, isNaming: false, phrase: phrase), analyzer: analyzer)
            }
            for phrase in tag.people where tag.inferredFromText {
                var entry = PhraseMatcher.Entry(tag: index, isNaming: true, phrase: phrase)
                entry.isPerson = true
                let variants = cues.add(phrase, entry, analyzer: analyzer)
                if variants.isEmpty { failStopwordsOnly(phrase, of: tag) }
            }
            for phrase in tag.textSynonyms where tag.inferredFromText {
                let variants = cues.add(
                    phrase, PhraseMatcher.Entry(tag: index, isNaming: true, phrase: phrase), analyzer: analyzer)
                if variants.isEmpty { failStopwordsOnly(phrase, of: tag) }
            }
            addAgainst(tag, index, to: &cues, analyzer: analyzer)
            expandNameWords(of: index, analyzer: analyzer)
        }
        addCombinedPhrases(byID, names: &names, cues: &cues, analyzer: analyzer)
        addProperNames(to: &cues, analyzer: analyzer)
        if !problems.isEmpty { throw TaxonomyError(problems) }
        var taxonomy = Taxonomy(
            facets: facets, tags: tags, names: names, cues: cues, properNames: properNames,
            combinedPhrases: combinedPhrases)
        taxonomy.warnings = stopwordReductions(analyzer: analyzer) + descriptionWarnings()
        return taxonomy
    }

    /// The longest description, in characters.
    static let maximumDescriptionLength = 200

    /// Tags with no description (their meaning is unknown to the embedding evidence), and
    /// descriptions two tags share (which meaning could not tell apart).
    private func descriptionWarnings() -> [Diagnostic] {
        var warnings: [Diagnostic] = []
        var seen: [String: TagID] = [:]
        for tag in tags {
            guard let description = tag.description else {
                warnings.append(
                    Diagnostic(
                        .warning, at: tag.location,
                        "tag '\(tag.id)' has no description: its meaning cannot be evidence of it"))
                continue
            }
            let key = description.lowercased()
            if let other = seen[key] {
                warnings.append(
                    Diagnostic(
                        .warning, at: tag.descriptionLocation ?? tag.location,
                        "tag '\(tag.id)' has the same description as tag '\(other)': meaning cannot tell them apart"))
            } else {
                seen[key] = tag.id
            }
        }
        return warnings
    }

    /// The tag's `against` phrases, as cue entries that speak against it. A phrase cannot both
    /// suggest a tag and speak against it.
    private mutating func addAgainst(_ tag: Tag, _ index: Int, to cues: inout PhraseMatcher, analyzer: Analyzer) {
        guard !tag.against.isEmpty else { return }
        let supporting = Set(tag.supportingPhrases.flatMap { PhraseMatcher.termVariants($0, analyzer: analyzer) })
        for phrase in tag.against {
            let variants = PhraseMatcher.termVariants(phrase, analyzer: analyzer)
            if variants.isEmpty { failStopwordsOnly(phrase, of: tag) }
            if variants.contains(where: supporting.contains) {
                fail(
                    tag.phraseLocations[phrase] ?? tag.location,
                    "phrase '\(phrase)' of tag '\(tag.id)' both names or cues the tag and speaks against it")
                continue
            }
            if tag.inferredFromText {
                cues.add(
                    phrase, PhraseMatcher.Entry(tag: index, isNaming: false, phrase: phrase, isAgainst: true),
                    analyzer: analyzer)
            }
        }
    }

    /// Adds to the tag's name-words every phrase of it that is the same word ("kings" and
    /// "King's" beside "king"), since a match carries the phrase the taxonomy wrote first. A
    /// name-word that is no phrase of the tag is an error.
    private mutating func expandNameWords(of index: Int, analyzer: Analyzer) {
        let tag = tags[index]
        guard !tag.nameWords.isEmpty else { return }
        var expanded = tag.nameWords
        for word in tag.nameWords {
            let terms = Set(PhraseMatcher.termVariants(word, analyzer: analyzer))
            let same = tag.supportingPhrases.filter {
                !terms.isDisjoint(with: PhraseMatcher.termVariants($0, analyzer: analyzer))
            }
            if same.isEmpty {
                fail(
                    tag.phraseLocations[word] ?? tag.location,
                    "name-word '\(word)' of tag '\(tag.id)' is not one of its phrases")
            }
            expanded += same.map { $0.lowercased() }
        }
        tags[index].nameWords = Array(Set(expanded)).sorted()
    }

    /// Synopsis phrases of several words that are one word once their stopwords are dropped,
    /// where that word is no phrase of the tag by itself: "she must" matches every "must".
    private func stopwordReductions(analyzer: Analyzer) -> [Diagnostic] {
        var warnings: [Diagnostic] = []
        for tag in tags where tag.inferredFromText {
            let single = Set(
                (tag.namingPhrases + tag.textSynonyms + tag.people + tag.cues).flatMap {
                    $0.contains(" ") ? [] : PhraseMatcher.termVariants($0, analyzer: analyzer)
                })
            for phrase in tag.textSynonyms + tag.cues where phrase.contains(" ") {
                let variants = PhraseMatcher.termVariants(phrase, analyzer: analyzer)
                guard let terms = variants.first, variants.count == 1, terms.count == 1, !single.contains(terms) else {
                    continue
                }
                warnings.append(
                    Diagnostic(
                        .warning, at: tag.phraseLocations[phrase] ?? tag.location,
                        "phrase '\(phrase)' of tag '\(tag.id)' is only '\(terms[0])' once its stopwords are dropped: it matches every '\(terms[0])' in a synopsis"
                    ))
            }
        }
        return warnings
    }

    /// The `combined` blocks' phrases, as naming entries of each of their tags, in names and
    /// queries and (for tags inferred from text) in synopses. A combined phrase can be no phrase
    /// of a tag, nor of another block: it would name that tag alone in one place and several in
    /// another.
    private mutating func addCombinedPhrases(
        _ byID: [TagID: Int], names: inout PhraseMatcher, cues: inout PhraseMatcher, analyzer: Analyzer
    ) {
        var owners: [[String]: String] = [:]
        for tag in tags {
            for phrase in tag.supportingPhrases + tag.against {
                for terms in PhraseMatcher.termVariants(phrase, analyzer: analyzer) {
                    owners[terms] = "tag '\(tag.id)' (\(tag.phraseLocations[phrase] ?? tag.location))"
                }
            }
        }
        for block in combinedPhrases {
            let indexes = block.tags.compactMap { byID[$0] }
            for id in block.tags where byID[id] == nil {
                fail(block.location, "combined block '\(block.id)' names unknown tag '\(id)'")
            }
            if Set(block.tags).count < 2 {
                fail(
                    block.location, "combined block '\(block.id)' must name two or more tags (one tag takes a synonym)")
            }
            if block.phrases.isEmpty { fail(block.location, "combined block '\(block.id)' lists no phrases") }
            for phrase in block.phrases {
                let variants = PhraseMatcher.termVariants(phrase, analyzer: analyzer)
                if variants.isEmpty {
                    fail(block.location, "phrase '\(phrase)' of combined '\(block.id)' holds only stopwords")
                }
                if let owner = variants.lazy.compactMap({ owners[$0] }).first {
                    fail(block.location, "phrase '\(phrase)' of combined '\(block.id)' is already a phrase of \(owner)")
                    continue
                }
                for terms in variants { owners[terms] = "combined '\(block.id)' (\(block.location))" }
                for index in indexes {
                    tags[index].combinedPhrases.append(phrase)
                    let entry = PhraseMatcher.Entry(tag: index, isNaming: true, phrase: phrase)
                    names.add(phrase, entry, analyzer: analyzer)
                    if tags[index].inferredFromText { cues.add(phrase, entry, analyzer: analyzer) }
                }
            }
        }
    }

    /// The `names` blocks' phrases, as cue entries that stand for no tag. A proper name cannot
    /// also be a phrase of a tag: it would hide the very phrase it is.
    private mutating func addProperNames(to cues: inout PhraseMatcher, analyzer: Analyzer) {
        guard !properNames.isEmpty else { return }
        var owners: [[String]: Int] = [:]
        for (index, tag) in tags.enumerated() {
            for phrase in tag.supportingPhrases + tag.against {
                for terms in PhraseMatcher.termVariants(phrase, analyzer: analyzer) { owners[terms] = index }
            }
        }
        for block in properNames {
            if block.phrases.isEmpty { fail(block.location, "\(block.keyword) block '\(block.id)' lists no phrases") }
            for phrase in block.phrases {
                let variants = PhraseMatcher.termVariants(phrase, analyzer: analyzer)
                if variants.isEmpty {
                    fail(block.location, "phrase '\(phrase)' of \(block.keyword) '\(block.id)' holds only stopwords")
                }
                if let owner = variants.lazy.compactMap({ owners[$0] }).first {
                    fail(
                        block.location,
                        "phrase '\(phrase)' of \(block.keyword) '\(block.id)' is a phrase of tag '\(tags[owner].id)' (\(tags[owner].location))"
                    )
                    continue
                }
                cues.add(phrase, .properName(phrase), analyzer: analyzer)
            }
        }
    }

    private mutating func checkCycles(_ byID: [TagID: Int]) {
        var state = [UInt8](repeating: 0, count: tags.count)  // 0 new, 1 on stack, 2 done
        func visit(_ index: Int, _ path: [Int]) -> [Int]? {
            if state[index] == 1 { return path + [index] }
            if state[index] == 2 { return nil }
            state[index] = 1
            for parent in tags[index].parents {
                if let next = byID[parent], let cycle = visit(next, path + [index]) { return cycle }
            }
            state[index] = 2
            return nil
        }
        for index in tags.indices where state[index] == 0 {
            if let cycle = visit(index, []) {
                let start = cycle.firstIndex(of: cycle.last!)!
                let names = cycle[start...].map { tags[$0].id.rawValue }.joined(separator: " -> ")
                fail(tags[cycle.last!].location, "parent cycle: \(names)")
                return
            }
        }
    }
}

extension String {
    var trimmed: String {
        var s = Substring(self)
        while s.first == " " || s.first == "\t" { s.removeFirst() }
        while s.last == " " || s.last == "\t" { s.removeLast() }
        return String(s)
    }
}
