import MicrogenreText
import Testing

@Suite struct EnglishStemmerTests {
    let stemmer = EnglishStemmer()

    /// Every word of the fixture stems as the Snowball reference implementation does.
    @Test func matchesReferenceImplementation() {
        var checked = 0
        var mismatches: [String] = []
        for line in fixture("snowball-english.tsv").split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard parts.count == 2 else { continue }
            let got = stemmer.stem(String(parts[0]))
            if got != parts[1] { mismatches.append("\(parts[0]): expected \(parts[1]), got \(got)") }
            checked += 1
        }
        #expect(checked > 4_000)
        #expect(mismatches.isEmpty, "\(mismatches.prefix(20))")
    }

    @Test(arguments: [
        ("comedies", "comedi"), ("thrillers", "thriller"), ("generously", "generous"), ("skies", "sky"),
        ("dying", "die"), ("succeeded", "succeed"), ("hopping", "hop"), ("hoping", "hope"), ("a", "a"),
        ("by", "by"), ("cry", "cri"), ("sayings", "say"), ("psychologist", "psycholog"), ("pasted", "paste"),
    ])
    func stems(word: String, stem: String) {
        #expect(stemmer.stem(word) == stem)
    }
}
