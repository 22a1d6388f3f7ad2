using System.Collections;
using System.Numerics;

namespace VelesDb.Core.Filtering.Bitmaps;

/// <summary>
/// A compressed set of non-negative <see cref="int"/> values (a collection's dense row numbers),
/// laid out like a Roaring bitmap: values are grouped by their high 16 bits, and each group's low
/// 16 bits live in a container that is a sorted <c>ushort[]</c> while it holds at most
/// <see cref="ArrayMaxCardinality"/> values and a 65,536-bit bitmap above that. Containers
/// convert in both directions at that threshold.
/// </summary>
/// <remarks>
/// Not thread-safe for writes; concurrent reads of an unchanging bitmap are safe. Enumeration
/// is in ascending order; changing the bitmap while enumerating it gives undefined results.
/// The binary operations (<see cref="And"/>, <see cref="Or"/>, <see cref="AndNot"/>) return new
/// bitmaps that share no storage with their inputs.
/// </remarks>
internal sealed partial class RoaringBitmap : IEnumerable<int>
{
    /// <summary>The most values an array container holds; one more makes it a bitmap container.</summary>
    internal const int ArrayMaxCardinality = 4096;

    private ushort[] _keys;
    private Container[] _containers;
    private int _count;
    private long _cardinality;

    /// <summary>Creates an empty bitmap.</summary>
    public RoaringBitmap()
        : this(0)
    {
    }

    private RoaringBitmap(int capacity)
    {
        _keys = capacity == 0 ? [] : new ushort[capacity];
        _containers = capacity == 0 ? [] : new Container[capacity];
    }

    /// <summary>The number of values.</summary>
    public long Cardinality => _cardinality;

    /// <summary>True when the bitmap holds no value.</summary>
    public bool IsEmpty => _cardinality == 0;

    /// <summary>Approximate heap bytes used by the bitmap and its containers.</summary>
    public long MemoryBytes
    {
        get
        {
            long bytes = 48 + 16 + (2L * _keys.Length) + 16 + (8L * _containers.Length);
            for (var i = 0; i < _count; i++)
            {
                bytes += _containers[i].MemoryBytes;
            }

            return bytes;
        }
    }

    /// <summary>The number of containers (distinct high-16-bit keys); for tests and diagnostics.</summary>
    internal int ContainerCount => _count;

    /// <summary>Builds a bitmap from values in ascending order (repeats are allowed and collapse).</summary>
    /// <param name="sortedValues">Non-negative values in non-decreasing order.</param>
    /// <returns>The bitmap.</returns>
    /// <exception cref="ArgumentException">When a value is negative or the values are not sorted.</exception>
    public static RoaringBitmap FromSorted(ReadOnlySpan<int> sortedValues)
    {
        var bitmap = new RoaringBitmap();
        var start = 0;
        while (start < sortedValues.Length)
        {
            var first = sortedValues[start];
            if (first < 0)
            {
                throw new ArgumentException($"Bitmap values must be non-negative, got {first} at position {start}.", nameof(sortedValues));
            }

            var key = first >> 16;
            var end = start + 1;
            var distinct = 1;
            while (end < sortedValues.Length && (sortedValues[end] >> 16) == key && sortedValues[end] >= 0)
            {
                if (sortedValues[end] < sortedValues[end - 1])
                {
                    throw new ArgumentException($"Bitmap values must be in ascending order: {sortedValues[end]} follows {sortedValues[end - 1]} at position {end}.", nameof(sortedValues));
                }

                if (sortedValues[end] != sortedValues[end - 1])
                {
                    distinct++;
                }

                end++;
            }

            if (end < sortedValues.Length && sortedValues[end] >= 0 && sortedValues[end] < sortedValues[end - 1])
            {
                throw new ArgumentException($"Bitmap values must be in ascending order: {sortedValues[end]} follows {sortedValues[end - 1]} at position {end}.", nameof(sortedValues));
            }

            var chunk = sortedValues[start..end];
            Container container;
            if (distinct <= ArrayMaxCardinality)
            {
                var values = new ushort[distinct];
                var n = 0;
                for (var i = 0; i < chunk.Length; i++)
                {
                    if (i == 0 || chunk[i] != chunk[i - 1])
                    {
                        values[n++] = (ushort)chunk[i];
                    }
                }

                container = Container.FromArray(values, distinct);
            }
            else
            {
                var bits = new ulong[Container.BitmapWords];
                foreach (var value in chunk)
                {
                    bits[(value & 0xFFFF) >> 6] |= 1UL << value;
                }

                container = Container.FromBits(bits, distinct)!;
            }

            bitmap.Append((ushort)key, container);
            start = end;
        }

        return bitmap;
    }

    /// <summary>Intersection of two bitmaps.</summary>
    /// <param name="a">The first bitmap.</param>
    /// <param name="b">The second bitmap.</param>
    /// <returns>A new bitmap with the values in both.</returns>
    public static RoaringBitmap And(RoaringBitmap a, RoaringBitmap b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var result = new RoaringBitmap(Math.Min(a._count, b._count));
        int i = 0, j = 0;
        while (i < a._count && j < b._count)
        {
            var ka = a._keys[i];
            var kb = b._keys[j];
            if (ka < kb)
            {
                i++;
            }
            else if (ka > kb)
            {
                j++;
            }
            else
            {
                if (Container.And(a._containers[i], b._containers[j]) is { } container)
                {
                    result.Append(ka, container);
                }

                i++;
                j++;
            }
        }

        return result;
    }

    /// <summary>Union of two bitmaps.</summary>
    /// <param name="a">The first bitmap.</param>
    /// <param name="b">The second bitmap.</param>
    /// <returns>A new bitmap with the values in either.</returns>
    public static RoaringBitmap Or(RoaringBitmap a, RoaringBitmap b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var result = new RoaringBitmap(a._count + b._count);
        int i = 0, j = 0;
        while (i < a._count || j < b._count)
        {
            if (j == b._count || (i < a._count && a._keys[i] < b._keys[j]))
            {
                result.Append(a._keys[i], a._containers[i].Clone());
                i++;
            }
            else if (i == a._count || b._keys[j] < a._keys[i])
            {
                result.Append(b._keys[j], b._containers[j].Clone());
                j++;
            }
            else
            {
                result.Append(a._keys[i], Container.Or(a._containers[i], b._containers[j]));
                i++;
                j++;
            }
        }

        return result;
    }

    /// <summary>Difference of two bitmaps.</summary>
    /// <param name="a">The bitmap to subtract from.</param>
    /// <param name="b">The values to remove.</param>
    /// <returns>A new bitmap with the values of <paramref name="a"/> that are not in <paramref name="b"/>.</returns>
    public static RoaringBitmap AndNot(RoaringBitmap a, RoaringBitmap b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var result = new RoaringBitmap(a._count);
        var j = 0;
        for (var i = 0; i < a._count; i++)
        {
            var key = a._keys[i];
            while (j < b._count && b._keys[j] < key)
            {
                j++;
            }

            if (j < b._count && b._keys[j] == key)
            {
                if (Container.AndNot(a._containers[i], b._containers[j]) is { } container)
                {
                    result.Append(key, container);
                }
            }
            else
            {
                result.Append(key, a._containers[i].Clone());
            }
        }

        return result;
    }

    /// <summary>Adds a value.</summary>
    /// <param name="value">A non-negative value.</param>
    /// <returns>True when it was not present.</returns>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="value"/> is negative.</exception>
    public bool Add(int value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        var key = (ushort)(value >> 16);
        var index = FindKey(key);
        if (index < 0)
        {
            Insert(~index, key, Container.Single((ushort)value));
            _cardinality++;
            return true;
        }

        if (_containers[index].Add((ushort)value))
        {
            _cardinality++;
            return true;
        }

        return false;
    }

    /// <summary>Removes a value.</summary>
    /// <param name="value">The value; negative values are never present.</param>
    /// <returns>True when it was present.</returns>
    public bool Remove(int value)
    {
        if (value < 0)
        {
            return false;
        }

        var index = FindKey((ushort)(value >> 16));
        if (index < 0 || !_containers[index].Remove((ushort)value))
        {
            return false;
        }

        _cardinality--;
        if (_containers[index].Cardinality == 0)
        {
            RemoveAt(index);
        }

        return true;
    }

    /// <summary>Tests a value.</summary>
    /// <param name="value">The value; negative values are never present.</param>
    /// <returns>True when present.</returns>
    public bool Contains(int value)
    {
        if (value < 0)
        {
            return false;
        }

        var index = FindKey((ushort)(value >> 16));
        return index >= 0 && _containers[index].Contains((ushort)value);
    }

    /// <summary>Removes every value.</summary>
    public void Clear()
    {
        _keys = [];
        _containers = [];
        _count = 0;
        _cardinality = 0;
    }

    /// <summary>A deep copy.</summary>
    /// <returns>A bitmap with the same values and no shared storage.</returns>
    public RoaringBitmap Clone()
    {
        var copy = new RoaringBitmap(_count);
        for (var i = 0; i < _count; i++)
        {
            copy.Append(_keys[i], _containers[i].Clone());
        }

        return copy;
    }

    /// <summary>Replaces this bitmap with its union with <paramref name="other"/>.</summary>
    /// <param name="other">The other bitmap (may be this one).</param>
    public void OrWith(RoaringBitmap other) => TakeFrom(Or(this, other));

    /// <summary>Replaces this bitmap with its intersection with <paramref name="other"/>.</summary>
    /// <param name="other">The other bitmap (may be this one).</param>
    public void AndWith(RoaringBitmap other) => TakeFrom(And(this, other));

    /// <summary>Removes the values of <paramref name="other"/> from this bitmap.</summary>
    /// <param name="other">The other bitmap (may be this one).</param>
    public void AndNotWith(RoaringBitmap other) => TakeFrom(AndNot(this, other));

    /// <summary>The values in ascending order.</summary>
    /// <returns>A new array.</returns>
    public int[] ToArray()
    {
        var result = new int[_cardinality];
        var n = 0;
        foreach (var value in this)
        {
            result[n++] = value;
        }

        return result;
    }

    /// <summary>Enumerates the values in ascending order without allocating.</summary>
    /// <returns>The enumerator.</returns>
    public Enumerator GetEnumerator() => new(this);

    /// <inheritdoc />
    IEnumerator<int> IEnumerable<int>.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Whether the high-16-bit key's container is a bitmap (true), an array (false) or absent (null); for tests.</summary>
    /// <param name="key">The high 16 bits.</param>
    /// <returns>The container kind.</returns>
    internal bool? IsBitmapContainer(int key)
    {
        var index = FindKey((ushort)key);
        return index < 0 ? null : _containers[index].IsBitmap;
    }

    /// <summary>Checks every structural invariant (tests).</summary>
    /// <returns>Null when valid, else what is wrong.</returns>
    internal string? Validate()
    {
        long total = 0;
        for (var i = 0; i < _count; i++)
        {
            if (i > 0 && _keys[i - 1] >= _keys[i])
            {
                return "keys not strictly ascending";
            }

            if (_keys[i] > (int.MaxValue >> 16))
            {
                return $"key {_keys[i]} beyond the non-negative int range";
            }

            if (_containers[i].Validate() is { } problem)
            {
                return $"container {_keys[i]}: {problem}";
            }

            total += _containers[i].Cardinality;
        }

        return total == _cardinality ? null : $"cardinality {_cardinality} but containers hold {total}";
    }

    private int FindKey(ushort key) => _keys.AsSpan(0, _count).BinarySearch(key);

    private void Append(ushort key, Container container)
    {
        Insert(_count, key, container);
        _cardinality += container.Cardinality;
    }

    private void Insert(int index, ushort key, Container container)
    {
        if (_count == _keys.Length)
        {
            var capacity = Math.Max(4, _count * 2);
            Array.Resize(ref _keys, capacity);
            Array.Resize(ref _containers, capacity);
        }

        Array.Copy(_keys, index, _keys, index + 1, _count - index);
        Array.Copy(_containers, index, _containers, index + 1, _count - index);
        _keys[index] = key;
        _containers[index] = container;
        _count++;
    }

    private void RemoveAt(int index)
    {
        _count--;
        Array.Copy(_keys, index + 1, _keys, index, _count - index);
        Array.Copy(_containers, index + 1, _containers, index, _count - index);
        _containers[_count] = null!;
    }

    private void TakeFrom(RoaringBitmap source)
    {
        _keys = source._keys;
        _containers = source._containers;
        _count = source._count;
        _cardinality = source._cardinality;
    }

    /// <summary>Ascending enumerator over a <see cref="RoaringBitmap"/>.</summary>
    public struct Enumerator : IEnumerator<int>
    {
        private readonly RoaringBitmap _bitmap;
        private int _containerIndex;
        private int _position;
        private ulong _word;
        private int _current;

        /// <summary>Starts before the first value.</summary>
        /// <param name="bitmap">The bitmap.</param>
        internal Enumerator(RoaringBitmap bitmap)
        {
            _bitmap = bitmap;
            _containerIndex = 0;
            _position = -1;
            _word = 0;
            _current = 0;
        }

        /// <inheritdoc />
        public readonly int Current => _current;

        /// <inheritdoc />
        readonly object IEnumerator.Current => _current;

        /// <inheritdoc />
        public bool MoveNext()
        {
            while (_containerIndex < _bitmap._count)
            {
                var container = _bitmap._containers[_containerIndex];
                var high = _bitmap._keys[_containerIndex] << 16;
                if (container.Bits is { } bits)
                {
                    while (_word == 0 && ++_position < Container.BitmapWords)
                    {
                        _word = bits[_position];
                    }

                    if (_word != 0)
                    {
                        _current = high | (_position << 6) | BitOperations.TrailingZeroCount(_word);
                        _word &= _word - 1;
                        return true;
                    }
                }
                else if (++_position < container.Cardinality)
                {
                    _current = high | container.ArrayValues![_position];
                    return true;
                }

                _containerIndex++;
                _position = -1;
                _word = 0;
            }

            return false;
        }

        /// <inheritdoc />
        public void Reset()
        {
            _containerIndex = 0;
            _position = -1;
            _word = 0;
            _current = 0;
        }

        /// <inheritdoc />
        public readonly void Dispose()
        {
        }
    }
}
