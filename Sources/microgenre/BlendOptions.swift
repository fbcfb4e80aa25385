import ArgumentParser
import MicrogenrePersonalization

/// The blend options shared by search and rows.
struct BlendOptions: ParsableArguments {
    @Option(help: "Weight of co-viewing (item-item similarity to what the user watched).")
    var collaborativeWeight = Blend().collaborative

    @Option(help: "Weight of content (the user's facet profile against each title's facets).")
    var contentWeight = Blend().content

    @Option(help: "Weight of popularity.")
    var popularityWeight = Blend().popularity

    @Option(help: "Share of the co-viewing part from the 50 most similar users (the rest: similar titles).")
    var userBasedShare = Blend().userBased

    @Option(help: "Co-viewing similarity: a random walk discounting popular titles by likers^beta (negative: cosine).")
    var randomWalkBeta = Blend().randomWalkBeta ?? -1

    @Option(help: "Days after which a viewing signal counts half (0: no decay).")
    var halfLife = SignalPolicy().halfLifeDays

    var policy: SignalPolicy {
        var policy = SignalPolicy()
        policy.halfLifeDays = halfLife
        return policy
    }

    var blend: Blend {
        var blend = Blend(collaborative: collaborativeWeight, content: contentWeight, popularity: popularityWeight)
        blend.randomWalkBeta = randomWalkBeta < 0 ? nil : randomWalkBeta
        blend.userBased = userBasedShare
        return blend
    }
}
