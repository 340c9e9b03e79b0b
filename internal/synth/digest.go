package synth

import (
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// Digest files follow
// https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-digest-file-structure.html
// except that CloudTrail writes one per hour and synth one per day, ending
// at 23:59:59 (so it lands in its day's folder). Log file hashes are real
// (SHA-256 of the uncompressed file); signatures and previous-digest hashes
// are random but stable, so chains link up without being verifiable.

// digestEnd is the end of day di's digest period.
func (g *gen) digestEnd(di int) time.Time {
	return g.o.start.AddDate(0, 0, di).Add(24*time.Hour - time.Second)
}

// digestKey returns the S3 key of the digest of day di in g's account and region.
func (g *gen) digestKey(di int) string {
	o := g.o
	end := g.digestEnd(di)
	ext := ".json"
	if o.o.Compress {
		ext = ".json.gz"
	}
	return o.keyPrefix(g.ai) + "CloudTrail-Digest/" + g.region + "/" + end.Format("2006/01/02") + "/" +
		g.acct.id + "_CloudTrail-Digest_" + g.region + "_" + o.trail + "_" + o.o.Regions[o.home] + "_" +
		end.Format("20060102T150405Z") + ext
}

// digestSecrets returns the random signature and hash of day di's digest.
func (g *gen) digestSecrets(di int) (signature, hash string) {
	r := newRand(g.o.o.Seed, streamDigest, uint64(g.ai), strHash(g.region), uint64(di)+1)
	return randHex(r, 512), randHex(r, 64)
}

func (g *gen) writeDigest() error {
	o := g.o
	const iso = "2006-01-02T15:04:05Z"
	key := g.digestKey(g.di)
	start := o.start
	if g.di > 0 {
		start = g.digestEnd(g.di - 1)
	}
	w := &g.raw
	w.b, w.c = w.b[:0], false
	w.Open()
	w.KS("awsAccountId", g.acct.id)
	w.KS("digestStartTime", start.Format(iso))
	w.KS("digestEndTime", g.digestEnd(g.di).Format(iso))
	w.KS("digestS3Bucket", o.bucket)
	w.KS("digestS3Object", key)
	fr := newRand(o.o.Seed, streamDigest, uint64(g.ai), strHash(g.region))
	w.KS("digestPublicKeyFingerprint", randHex(fr, 32))
	w.KS("digestSignatureAlgorithm", "SHA256withRSA")
	if len(g.logs) == 0 {
		w.Key("newestEventTime")
		w.Null()
		w.Key("oldestEventTime")
		w.Null()
	} else {
		newest, oldest := -1, 86400
		for _, l := range g.logs {
			newest, oldest = max(newest, l.newest), min(oldest, l.oldest)
		}
		w.KS("newestEventTime", g.timeString(newest))
		w.KS("oldestEventTime", g.timeString(oldest))
	}
	if g.di == 0 {
		for _, k := range []string{"previousDigestS3Bucket", "previousDigestS3Object", "previousDigestHashValue", "previousDigestHashAlgorithm", "previousDigestSignature"} {
			w.Key(k)
			w.Null()
		}
	} else {
		sig, hash := g.digestSecrets(g.di - 1)
		w.KS("previousDigestS3Bucket", o.bucket)
		w.KS("previousDigestS3Object", g.digestKey(g.di-1))
		w.KS("previousDigestHashValue", hash)
		w.KS("previousDigestHashAlgorithm", "SHA-256")
		w.KS("previousDigestSignature", sig)
	}
	w.KA("logFiles")
	for _, l := range g.logs {
		w.Open()
		w.KS("s3Bucket", o.bucket)
		w.KS("s3Object", l.key)
		w.KS("hashValue", hex.EncodeToString(l.hash[:]))
		w.KS("hashAlgorithm", "SHA-256")
		w.KS("newestEventTime", g.timeString(l.newest))
		w.KS("oldestEventTime", g.timeString(l.oldest))
		w.Close()
	}
	w.EndArr()
	w.Close()

	path := filepath.Join(o.o.Dir, filepath.FromSlash(key))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("create digest directory: %w", err)
	}
	if _, err := g.writeFile(path, w.b); err != nil {
		return fmt.Errorf("digest: %w", err)
	}
	return nil
}
