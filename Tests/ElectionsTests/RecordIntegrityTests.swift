import Community
import Foundation
import Notary
import Testing
@testable import Elections

/// A certified record frozen in an older format stays restorable: `xuanyi restore` checks that
/// it is intact (signed statement, manifest, files) even though the verifier reads only the
/// current format.
@Suite("records in an older format: integrity checked without reading their meaning")
struct RecordIntegrityTests {
    /// The fixture's record re-labelled as an older format, statement re-signed as it was then.
    func olderFormat(_ f: RecordFixture) throws -> URL {
        let record = try f.copy()
        let manifestURL = record.appendingPathComponent(ElectionRecordFormat.manifestFile)
        var manifest = try JSONDecoder().decode(RecordManifest.self, from: Data(contentsOf: manifestURL))
        manifest.format = "xuanyi-election-record/2"
        try CanonicalJSON.encode(manifest).write(to: manifestURL)
        try InsiderForger.resignStatement(record, key: try f.keyStore.load(keyID: f.result.election.keyID))
        return record
    }

    @Test("an older record that is intact passes; a changed file, a foreign key or a manifest not signed are each named")
    func integrity() throws {
        let f = try RecordFixture(.household)
        let key = try f.keyStore.load(keyID: f.result.election.keyID).publicKey
        #expect(try RecordIntegrity.check(f.record, key: key) > 0)

        let older = try olderFormat(f)
        #expect(RecordIntegrity.format(of: older) == "xuanyi-election-record/2")
        // This verifier reads the current format only: without the integrity path such a
        // record would make every restore of its database fail.
        #expect(RecordVerifier(directory: older).verify().failures.contains { $0.en.contains("this verifier reads \(ElectionRecordFormat.version) only") })
        #expect(try RecordIntegrity.check(older, key: key) > 0)

        let tally = older.appendingPathComponent(ElectionRecordFormat.tallyFile)
        var bytes = try Data(contentsOf: tally)
        bytes[bytes.startIndex + 2] ^= 0x01
        try bytes.write(to: tally)
        #expect(throws: RecordIntegrity.Problem(file: ElectionRecordFormat.tallyFile, reason: "is not the file the manifest lists (size or SHA-256 differs)")) {
            try RecordIntegrity.check(older, key: key)
        }
        #expect(throws: RecordIntegrity.Problem.self) { try RecordIntegrity.check(f.record, key: try Ed25519PrivateKey.generate().publicKey) }

        let unsigned = try olderFormat(f)
        try Data("{}".utf8).write(to: unsigned.appendingPathComponent(ElectionRecordFormat.manifestFile))
        #expect(throws: RecordIntegrity.Problem(file: ElectionRecordFormat.manifestFile, reason: "is not the manifest the signed statement names")) {
            try RecordIntegrity.check(unsigned, key: key)
        }
    }
}
