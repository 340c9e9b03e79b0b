package detecttest

import "time"

// Now is the time FixedClock returns.
var Now = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

// FixedClock returns Now.
func FixedClock() time.Time { return Now }
