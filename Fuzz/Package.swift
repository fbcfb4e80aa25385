// swift-tools-version:6.1
import PackageDescription

// libFuzzer targets over Microgenre's parsers. Build and run them with scripts/fuzz.sh; every
// target is an executable whose `main` comes from libFuzzer (-sanitize=fuzzer).
let settings: [SwiftSetting] = [.unsafeFlags(["-parse-as-library"])]

let package = Package(
    name: "MicrogenreFuzz",
    dependencies: [.package(name: "Microgenre", path: "..")],
    targets: [
        .target(
            name: "FuzzSupport",
            dependencies: [.product(name: "MicrogenreCore", package: "Microgenre")]
        ),
        .executableTarget(
            name: "FuzzFeeds",
            dependencies: [
                "FuzzSupport", .product(name: "MicrogenreFeeds", package: "Microgenre"),
                .product(name: "MicrogenreCore", package: "Microgenre"),
            ],
            swiftSettings: settings
        ),
        .executableTarget(
            name: "FuzzQuery",
            dependencies: [
                "FuzzSupport",
                .product(name: "MicrogenreQuery", package: "Microgenre"),
                .product(name: "MicrogenreTaxonomy", package: "Microgenre"),
            ],
            swiftSettings: settings
        ),
        .executableTarget(
            name: "FuzzEvents",
            dependencies: ["FuzzSupport", .product(name: "MicrogenreEvents", package: "Microgenre")],
            swiftSettings: settings
        ),
        .executableTarget(
            name: "FuzzTaxonomy",
            dependencies: [
                "FuzzSupport",
                .product(name: "MicrogenreTaxonomy", package: "Microgenre"),
                .product(name: "MicrogenreQuery", package: "Microgenre"),
            ],
            swiftSettings: settings
        ),
        .executableTarget(
            name: "FuzzIndex",
            dependencies: [
                "FuzzSupport", .product(name: "MicrogenreIndex", package: "Microgenre"),
                .product(name: "MicrogenreQuery", package: "Microgenre"),
                .product(name: "MicrogenreTaxonomy", package: "Microgenre"),
            ],
            swiftSettings: settings
        ),
    ]
)
