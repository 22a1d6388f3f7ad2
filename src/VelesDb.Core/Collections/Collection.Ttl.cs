using System.Buffers;
using System.Text.Json;
using VelesDb.Core.Errors;

namespace VelesDb.Core.Collections;

public sealed partial class Collection
{
    /// <summary>
    /// The payload key that holds a point's expiry, in Unix seconds (a JSON number). A point whose
    /// payload carries it is invisible to every read (get, scroll, <see cref="AllIds"/>, searches,
    /// VelesQL) from that second on; <see cref="PurgeExpired"/> deletes it for good.
    /// </summary>
    public const string ExpiresAtKey = "_veles_expires_at";

    /// <summary>Expiry of each row in Unix seconds; 0 when the row carries none.</summary>
    private long[] _expiresAtByRow = new long[16];

    /// <summary>Live rows carrying an expiry: while 0, reads skip the expiry check entirely.</summary>
    private int _expiringRows;

    /// <summary>
    /// Sets a point's time to live: writes <see cref="ExpiresAtKey"/> = now + <paramref name="ttl"/>
    /// (Unix seconds, rounded up, clock <see cref="VelesDatabaseOptions.TimeProvider"/>) into its
    /// payload, keeping every other field, its vector and its sparse vectors. A point without a
    /// payload gets one holding only the key. A zero TTL expires the point at once.
    /// </summary>
    /// <remarks>
    /// The payload is read and written back as two steps: an upsert of the same point that lands
    /// between them is overwritten (last writer wins, like any upsert).
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="ttl"/> is negative.</exception>
    /// <exception cref="VelesDbException">
    /// VELES-003 when the point does not exist (or has expired already); VELES-017 when its payload
    /// is not a JSON object (an expiry can only be added to an object); VELES-023 when the expiry
    /// overflows.
    /// </exception>
    public void SetTimeToLive(ulong id, TimeSpan ttl)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ttl, TimeSpan.Zero);
        var point = Get(id);
        if (point is null)
        {
            ThrowHelper.Throw(VelesDbErrorCode.PointNotFound, $"Point {id} not found in collection '{Name}'.");
        }

        var current = point.Payload ?? default;
        if (current.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null or JsonValueKind.Object))
        {
            ThrowHelper.Throw(
                VelesDbErrorCode.SchemaValidation,
                $"Point {id} of collection '{Name}' has a {current.ValueKind} payload; a time to live is stored in an object payload. Upsert the point with an object payload first.");
        }

        var seconds = (long)Math.Ceiling(ttl.TotalSeconds);
        var now = _options.TimeProvider.GetUtcNow().ToUnixTimeSeconds();
        if (seconds > long.MaxValue - now)
        {
            ThrowHelper.Throw(VelesDbErrorCode.Overflow, $"A time to live of {seconds} s overflows the expiry timestamp; use a smaller TTL.");
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (current.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in current.EnumerateObject())
                {
                    if (!property.NameEquals(ExpiresAtKey))
                    {
                        property.WriteTo(writer);
                    }
                }
            }

            writer.WriteNumber(ExpiresAtKey, now + seconds);
            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        Upsert(point with { Payload = document.RootElement.Clone() });
    }

    /// <summary>
    /// Deletes every point whose expiry has passed (they are invisible already; this frees their
    /// space). <see cref="FlushFull"/> runs it before checkpointing. Returns how many were deleted.
    /// </summary>
    public int PurgeExpired()
    {
        List<ulong> expired = [];
        _lock.EnterReadLock();
        try
        {
            ThrowIfDisposed();
            var now = ExpiryNowLocked();
            if (now == 0)
            {
                return 0;
            }

            for (var row = 0; row < _rowHighWater; row++)
            {
                if (_liveByRow[row] && IsExpired(_expiresAtByRow[row], now))
                {
                    expired.Add(_idByRow[row]);
                }
            }
        }
        finally
        {
            _lock.ExitReadLock();
        }

        return expired.Count == 0 ? 0 : Delete(expired);
    }

    /// <summary>The current Unix second when some row carries an expiry; 0 (check nothing) otherwise.</summary>
    private long ExpiryNowLocked() =>
        _expiringRows == 0 ? 0 : Math.Max(1, _options.TimeProvider.GetUtcNow().ToUnixTimeSeconds());

    /// <summary>Whether a row's expiry has passed; <paramref name="now"/> 0 means no row carries an expiry.</summary>
    private static bool IsExpired(long expiresAt, long now) => now != 0 && expiresAt != 0 && expiresAt <= now;

    /// <summary>Records a row's expiry from its payload (called wherever a row gets its payload).</summary>
    private void TrackExpiryLocked(int row, JsonElement payload)
    {
        long expiresAt = 0;
        if (payload.ValueKind == JsonValueKind.Object
            && payload.TryGetProperty(ExpiresAtKey, out var value)
            && value.ValueKind == JsonValueKind.Number)
        {
            // An expiry at or before the epoch is in the past all the same; 0 stays "none".
            expiresAt = value.TryGetInt64(out var whole) ? whole : (long)Math.Clamp(Math.Floor(value.GetDouble()), long.MinValue, long.MaxValue);
            expiresAt = Math.Max(1, expiresAt);
        }

        if (row >= _expiresAtByRow.Length)
        {
            Array.Resize(ref _expiresAtByRow, Math.Max(row + 1, _expiresAtByRow.Length * 2));
        }

        if (_expiresAtByRow[row] != 0)
        {
            _expiringRows--;
        }

        _expiresAtByRow[row] = expiresAt;
        if (expiresAt != 0)
        {
            _expiringRows++;
        }
    }

    /// <summary>Forgets a freed row's expiry.</summary>
    private void UntrackExpiryLocked(int row)
    {
        if (row < _expiresAtByRow.Length && _expiresAtByRow[row] != 0)
        {
            _expiresAtByRow[row] = 0;
            _expiringRows--;
        }
    }
}
