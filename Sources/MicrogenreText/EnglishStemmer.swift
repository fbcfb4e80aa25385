/// The Snowball English stemmer ("Porter2"), as published at snowballstem.org (the 3.x rules,
/// with the `gener`/`commun`/`arsen`... region prefixes and the `-ogist` and `-ying` rules).
///
/// Works in place on lowercase ASCII bytes; words with other bytes are left alone by the
/// analyzer. Regions R1 and R2 and the step numbering follow the published description.
public struct EnglishStemmer: Sendable {
    /// Creates a stemmer. It holds no state; one can be shared freely.
    public init() {}

    /// Stems a lowercase word, returning the stem.
    public func stem(_ word: String) -> String {
        var bytes = Array(word.utf8)
        stem(&bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Stems a lowercase ASCII word in place.
    public func stem(_ w: inout [UInt8]) {
        if let replacement = Self.exception1(w) {
            w = replacement
            return
        }
        if w.count < 3 { return }
        var word = Word(w)
        word.prelude()
        word.markRegions()
        word.step1a()
        word.step1b()
        word.step1c()
        word.step2()
        word.step3()
        word.step4()
        word.step5()
        word.postlude()
        w = word.b
    }

    private static let exceptions: [String: String] = [
        "skis": "ski", "skies": "sky", "idly": "idl", "gently": "gentl", "ugly": "ugli",
        "early": "earli", "only": "onli", "singly": "singl",
        "sky": "sky", "news": "news", "howe": "howe", "atlas": "atlas", "cosmos": "cosmos",
        "bias": "bias", "andes": "andes",
    ]

    private static func exception1(_ w: [UInt8]) -> [UInt8]? {
        guard (3...6).contains(w.count) else { return nil }
        return exceptions[String(decoding: w, as: UTF8.self)].map { Array($0.utf8) }
    }
}

private let a = UInt8(ascii: "a"), e = UInt8(ascii: "e"), i = UInt8(ascii: "i"), o = UInt8(ascii: "o")
private let u = UInt8(ascii: "u"), y = UInt8(ascii: "y"), Y = UInt8(ascii: "Y"), l = UInt8(ascii: "l")
private let s = UInt8(ascii: "s"), t = UInt8(ascii: "t"), apostrophe = UInt8(ascii: "'")

@inline(__always) private func isVowel(_ c: UInt8) -> Bool {
    c == a || c == e || c == i || c == o || c == u || c == y
}

/// A step's suffixes, with their positions grouped by last letter: a word is compared only with
/// the suffixes ending in its own last letter.
private struct SuffixList {
    let suffixes: [StaticString]
    let byLastLetter: [[Int]]

    init(_ suffixes: [StaticString]) {
        self.suffixes = suffixes
        var groups = [[Int]](repeating: [], count: 256)
        for (index, suffix) in suffixes.enumerated() {
            groups[Int(suffix.utf8Start[suffix.utf8CodeUnitCount - 1])].append(index)
        }
        byLastLetter = groups
    }
}

/// The word being stemmed, with its regions.
private struct Word {
    var b: [UInt8]
    var p1 = 0
    var p2 = 0
    var foundY = false

    init(_ bytes: [UInt8]) { b = bytes }

    var count: Int { b.count }

    func ends(_ suffix: StaticString) -> Bool {
        let n = suffix.utf8CodeUnitCount
        let count = b.count
        guard n > 0 else { return true }
        guard n <= count else { return false }
        let sfx = suffix.utf8Start
        return b.withUnsafeBufferPointer { word in
            // Most suffixes tried differ in the last letter: test it first.
            if word[count - 1] != sfx[n - 1] { return false }
            let start = count - n
            var k = 0
            while k < n - 1 {
                if word[start + k] != sfx[k] { return false }
                k += 1
            }
            return true
        }
    }

    func startsWith(_ prefix: StaticString) -> Bool {
        let n = prefix.utf8CodeUnitCount
        guard n <= b.count else { return false }
        return prefix.withUTF8Buffer { p in
            var k = 0
            while k < n {
                if b[k] != p[k] { return false }
                k += 1
            }
            return true
        }
    }

    /// The longest of `list`'s suffixes the word ends with, and its index in the list.
    func longest(_ list: SuffixList) -> (index: Int, length: Int)? {
        guard let last = b.last else { return nil }
        var best: (Int, Int)?
        for index in list.byLastLetter[Int(last)] where ends(list.suffixes[index]) {
            let n = list.suffixes[index].utf8CodeUnitCount
            if best == nil || n > best!.1 { best = (index, n) }
        }
        return best
    }

    mutating func replaceSuffix(length: Int, with replacement: StaticString) {
        b.removeLast(length)
        replacement.withUTF8Buffer { b.append(contentsOf: $0) }
    }

    func hasVowel(before end: Int) -> Bool {
        var k = 0
        while k < end {
            if isVowel(b[k]) { return true }
            k += 1
        }
        return false
    }

    /// A short syllable ends at `end`: non-vowel (not w, x, Y) after vowel after non-vowel; or
    /// vowel at the start followed by a non-vowel; or the word part ends in "past".
    func shortSyllable(endingAt end: Int) -> Bool {
        if end >= 3 {
            let c = b[end - 1]
            if !isVowel(c) && c != UInt8(ascii: "w") && c != UInt8(ascii: "x") && c != Y
                && isVowel(b[end - 2]) && !isVowel(b[end - 3])
            {
                return true
            }
        }
        if end == 2 && !isVowel(b[1]) && isVowel(b[0]) { return true }
        if end >= 4 && b[end - 4] == UInt8(ascii: "p") && b[end - 3] == a && b[end - 2] == s && b[end - 1] == t {
            return true
        }
        return false
    }

    mutating func prelude() {
        if b.first == apostrophe { b.removeFirst() }
        if b.first == y {
            b[0] = Y
            foundY = true
        }
        var k = 1
        while k < b.count {
            if b[k] == y && isVowel(b[k - 1]) {
                b[k] = Y
                foundY = true
            }
            k += 1
        }
    }

    static let regionPrefixes: [StaticString] = [
        "arsen", "commun", "emerg", "gener", "inter", "later", "organ", "past", "univers",
    ]

    mutating func markRegions() {
        p1 = b.count
        p2 = b.count
        var cursor = -1
        for prefix in Self.regionPrefixes where startsWith(prefix) {
            cursor = prefix.utf8CodeUnitCount
            break
        }
        if cursor < 0 {
            guard let next = pastVowelThenNonVowel(from: 0) else { return }
            cursor = next
        }
        p1 = cursor
        if let next = pastVowelThenNonVowel(from: cursor) { p2 = next }
    }

    func pastVowelThenNonVowel(from start: Int) -> Int? {
        var k = start
        while k < b.count && !isVowel(b[k]) { k += 1 }
        guard k < b.count else { return nil }
        k += 1
        while k < b.count && isVowel(b[k]) { k += 1 }
        guard k < b.count else { return nil }
        return k + 1
    }

    static let step1aSuffixes = SuffixList(["sses", "ied", "ies", "s", "us", "ss"])
    static let step1bSuffixes = SuffixList(["eed", "eedly", "ed", "edly", "ing", "ingly"])
    static let doubles: [StaticString] = ["bb", "dd", "ff", "gg", "mm", "nn", "pp", "rr", "tt"]

    mutating func step1a() {
        if ends("'s'") {
            b.removeLast(3)
        } else if ends("'s") {
            b.removeLast(2)
        } else if ends("'") {
            b.removeLast(1)
        }
        guard let (index, n) = longest(Self.step1aSuffixes) else { return }
        switch index {
        case 0: replaceSuffix(length: n, with: "ss")
        case 1, 2: replaceSuffix(length: n, with: b.count - n >= 2 ? "i" : "ie")
        case 3:
            // Delete the s when the part before the preceding letter holds a vowel.
            if b.count >= 2 && hasVowel(before: b.count - 2) { b.removeLast() }
        default: break
        }
    }

    static let invariantIngStems: [StaticString] = ["even", "cann", "inn", "earr", "herr", "out"]

    mutating func step1b() {
        guard let (index, n) = longest(Self.step1bSuffixes) else { return }
        let start = b.count - n
        switch index {
        case 0, 1:
            guard start >= p1 else { return }
            let stem = b[0..<start]
            if stem.elementsEqual("succ".utf8) || stem.elementsEqual("proc".utf8) || stem.elementsEqual("exc".utf8) {
                return
            }
            replaceSuffix(length: n, with: "ee")
            return
        case 4:
            // -ing: "dying" -> "die"; "inning", "outing", "canning"... stay whole.
            let stem = b[0..<start]
            if start == 2 && stem.last == y && !isVowel(stem.first!) {
                b.removeLast(n + 1)
                b.append(contentsOf: [i, e])
                return
            }
            for whole in Self.invariantIngStems where stem.count == whole.utf8CodeUnitCount && startsWith(whole) {
                return
            }
        default: break
        }
        guard hasVowel(before: start) else { return }
        b.removeLast(n)
        if ends("at") || ends("bl") || ends("iz") {
            b.append(e)
            return
        }
        if Self.doubles.contains(where: { ends($0) }) {
            let before = b.count - 2
            if before == 1 && (b[0] == a || b[0] == e || b[0] == o) { return }
            b.removeLast()
            return
        }
        if b.count == p1 && shortSyllable(endingAt: b.count) { b.append(e) }
    }

    mutating func step1c() {
        guard b.count >= 3, let last = b.last, last == y || last == Y else { return }
        if !isVowel(b[b.count - 2]) { b[b.count - 1] = i }
    }

    static let step2Suffixes = SuffixList([
        "tional", "enci", "anci", "abli", "entli", "izer", "ization", "ational", "ation", "ator",
        "alism", "aliti", "alli", "fulness", "ousli", "ousness", "iveness", "iviti", "biliti", "bli",
        "ogist", "ogi", "fulli", "lessli", "li",
    ])
    static let step2Replacements: [StaticString] = [
        "tion", "ence", "ance", "able", "ent", "ize", "ize", "ate", "ate", "ate",
        "al", "al", "al", "ful", "ous", "ous", "ive", "ive", "ble", "ble",
        "og", "og", "ful", "less", "",
    ]

    mutating func step2() {
        guard let (index, n) = longest(Self.step2Suffixes), b.count - n >= p1 else { return }
        let before = b.count - n - 1
        switch index {
        case 21:  // ogi
            guard before >= 0, b[before] == l else { return }
        case 24:  // li
            guard before >= 0, "cdeghkmnrt".utf8.contains(b[before]) else { return }
        default: break
        }
        replaceSuffix(length: n, with: Self.step2Replacements[index])
    }

    static let step3Suffixes = SuffixList([
        "tional", "ational", "alize", "icate", "iciti", "ical", "ful", "ness", "ative",
    ])
    static let step3Replacements: [StaticString] = ["tion", "ate", "al", "ic", "ic", "ic", "", "", ""]

    mutating func step3() {
        guard let (index, n) = longest(Self.step3Suffixes), b.count - n >= p1 else { return }
        if index == 8 && b.count - n < p2 { return }
        replaceSuffix(length: n, with: Self.step3Replacements[index])
    }

    static let step4Suffixes = SuffixList([
        "al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ism", "ate",
        "iti", "ous", "ive", "ize", "ion",
    ])

    mutating func step4() {
        guard let (index, n) = longest(Self.step4Suffixes), b.count - n >= p2 else { return }
        if index == 17 {
            let before = b.count - n - 1
            guard before >= 0, b[before] == s || b[before] == t else { return }
        }
        b.removeLast(n)
    }

    mutating func step5() {
        guard let last = b.last else { return }
        let start = b.count - 1
        if last == e {
            if start >= p2 || (start >= p1 && !shortSyllable(endingAt: start)) { b.removeLast() }
        } else if last == l {
            if start >= p2 && start >= 1 && b[start - 1] == l { b.removeLast() }
        }
    }

    mutating func postlude() {
        guard foundY else { return }
        for k in b.indices where b[k] == Y { b[k] = y }
    }
}
