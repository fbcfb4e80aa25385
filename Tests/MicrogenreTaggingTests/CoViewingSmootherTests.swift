import MicrogenreCore
import MicrogenreTaxonomy
import Testing

@testable import MicrogenreTagging

/// Facets from viewing: a title borrows the tags of feeling and theme its co-viewing
/// neighbours carry.
@Suite struct CoViewingSmootherTests {
    let smoother = CoViewingSmoother(taxonomy: repositoryTaxonomy, weight: 0.5)

    func neighbour(_ name: String, _ similarity: Double, _ scores: [String: Double]) -> CoViewingSmoother.Neighbour {
        CoViewingSmoother.Neighbour(
            name: name, similarity: similarity,
            scores: Dictionary(uniqueKeysWithValues: scores.map { (TagID($0.key), $0.value) }))
    }

    let own = [
        TagScore(
            tag: TagID("comedies"), score: 0.9,
            evidence: [Evidence(source: .genre, field: "genre", text: "Comedy", weight: 0.9)]),
        TagScore(
            tag: TagID("quirky"), score: 0.3,
            evidence: [Evidence(source: .synopsis, field: "synopsis", text: "offbeat", weight: 0.3)]),
    ]

    @Test func neighboursLendTheirMoodsWithTheirNames() throws {
        let neighbours = [
            neighbour("Rushmore (1998)", 0.9, ["quirky": 1.0, "dramas": 1.0, "1990s": 0.95]),
            neighbour("Amélie (2001)", 0.6, ["quirky": 0.9, "atmospheric": 0.8, "dramas": 1.0]),
            neighbour("Heat (1995)", 0.3, ["crime": 1.0, "dramas": 1.0]),
        ]
        let smoothed = smoother.smooth(own, neighbours: neighbours)
        let quirky = try #require(smoothed.first { $0.tag == TagID("quirky") })
        // Weighted mean (0.9 * 1 + 0.6 * 0.9) / 1.8 = 0.8, times 0.5 = 0.4, combined with the own 0.3.
        #expect(abs(quirky.score - (1 - 0.7 * 0.6)) < 1e-9)
        let evidence = try #require(quirky.evidence.first { $0.source == .coviewing })
        #expect(evidence.text == "Rushmore (1998); Amélie (2001)" && abs(evidence.weight - 0.4) < 1e-9)
        // A mood the title did not have comes in from the neighbours alone.
        let atmospheric = try #require(smoothed.first { $0.tag == TagID("atmospheric") })
        #expect(abs(atmospheric.score - 0.5 * 0.6 * 0.8 / 1.8) < 1e-9)
        // Genres and eras are never borrowed.
        #expect(
            !smoothed.contains { $0.tag == TagID("dramas") || $0.tag == TagID("crime") || $0.tag == TagID("1990s") })
        #expect(smoothed.first { $0.tag == TagID("comedies") }?.score == 0.9)
    }

    @Test func fewNeighboursOrANegationChangeNothing() {
        let two = [neighbour("A", 1, ["quirky": 1]), neighbour("B", 1, ["quirky": 1])]
        #expect(smoother.smooth(own, neighbours: two) == own)
        let negated = [
            TagScore(
                tag: TagID("quirky"), score: 0.06,
                evidence: [Evidence(source: .negated, field: "synopsis", text: "offbeat", weight: 0)])
        ]
        let three = two + [neighbour("C", 1, ["quirky": 1])]
        #expect(smoother.smooth(negated, neighbours: three) == negated)
    }
}
