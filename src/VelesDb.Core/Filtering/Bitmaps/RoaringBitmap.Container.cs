using System.Numerics;

namespace VelesDb.Core.Filtering.Bitmaps;

internal sealed partial class RoaringBitmap
{
    /// <summary>
    /// The low 16 bits of the values that share one high-16-bit key: a sorted <c>ushort[]</c>
    /// while it holds at most <see cref="ArrayMaxCardinality"/> values, a 65,536-bit bitmap
    /// (1,024 <c>ulong</c>s) above that. Never empty while stored in a bitmap.
    /// </summary>
    private sealed class Container
    {
        /// <summary>Words of a bitmap container.</summary>
        internal const int BitmapWords = 1024;

        private ushort[]? _array;
        private ulong[]? _bits;
        private int _cardinality;

        private Container(ushort[]? array, ulong[]? bits, int cardinality)
        {
            _array = array;
            _bits = bits;
            _cardinality = cardinality;
        }

        /// <summary>True for a bitmap container, false for an array container.</summary>
        internal bool IsBitmap => _bits is not null;

        /// <summary>The number of values held.</summary>
        internal int Cardinality => _cardinality;

        /// <summary>The sorted values of an array container (only the first <see cref="Cardinality"/> are used); null for a bitmap.</summary>
        internal ushort[]? ArrayValues => _array;

        /// <summary>The words of a bitmap container; null for an array.</summary>
        internal ulong[]? Bits => _bits;

        /// <summary>Approximate heap bytes of the container.</summary>
        internal long MemoryBytes => 40 + (_bits is { } bits ? 16 + (8L * bits.Length) : 16 + (2L * _array!.Length));

        /// <summary>An array container holding one value.</summary>
        /// <param name="value">The value.</param>
        /// <returns>The container.</returns>
        internal static Container Single(ushort value) => new([value, 0, 0, 0], null, 1);

        /// <summary>Wraps sorted distinct values (ownership passes to the container).</summary>
        /// <param name="values">Sorted distinct values; at most <see cref="ArrayMaxCardinality"/> are used.</param>
        /// <param name="count">How many of them are used, at least 1.</param>
        /// <returns>The container.</returns>
        internal static Container FromArray(ushort[] values, int count) => new(values, null, count);

        /// <summary>Wraps bitmap words (ownership passes), converting to an array when small; null when empty.</summary>
        /// <param name="bits">1,024 words.</param>
        /// <param name="cardinality">The number of set bits.</param>
        /// <returns>The container, or null for no values.</returns>
        internal static Container? FromBits(ulong[] bits, int cardinality)
        {
            if (cardinality == 0)
            {
                return null;
            }

            var container = new Container(null, bits, cardinality);
            if (cardinality <= ArrayMaxCardinality)
            {
                container.ConvertToArray();
            }

            return container;
        }

        /// <summary>A deep copy.</summary>
        /// <returns>The copy.</returns>
        internal Container Clone() =>
            _bits is { } bits
                ? new Container(null, (ulong[])bits.Clone(), _cardinality)
                : new Container(_array.AsSpan(0, _cardinality).ToArray(), null, _cardinality);

        /// <summary>Tests a value.</summary>
        /// <param name="value">The low 16 bits.</param>
        /// <returns>True when present.</returns>
        internal bool Contains(ushort value) =>
            _bits is { } bits
                ? (bits[value >> 6] & (1UL << value)) != 0
                : _array.AsSpan(0, _cardinality).BinarySearch(value) >= 0;

        /// <summary>Adds a value, turning into a bitmap past <see cref="ArrayMaxCardinality"/>.</summary>
        /// <param name="value">The low 16 bits.</param>
        /// <returns>True when it was not present.</returns>
        internal bool Add(ushort value)
        {
            if (_bits is { } bits)
            {
                ref var word = ref bits[value >> 6];
                var mask = 1UL << value;
                if ((word & mask) != 0)
                {
                    return false;
                }

                word |= mask;
                _cardinality++;
                return true;
            }

            var array = _array!;
            var index = array.AsSpan(0, _cardinality).BinarySearch(value);
            if (index >= 0)
            {
                return false;
            }

            index = ~index;
            if (_cardinality == ArrayMaxCardinality)
            {
                ConvertToBitmap();
                _bits![value >> 6] |= 1UL << value;
                _cardinality++;
                return true;
            }

            if (_cardinality == array.Length)
            {
                Array.Resize(ref array, Math.Min(array.Length * 2, ArrayMaxCardinality));
                _array = array;
            }

            Array.Copy(array, index, array, index + 1, _cardinality - index);
            array[index] = value;
            _cardinality++;
            return true;
        }

        /// <summary>Removes a value, turning into an array at <see cref="ArrayMaxCardinality"/> or fewer.</summary>
        /// <param name="value">The low 16 bits.</param>
        /// <returns>True when it was present.</returns>
        internal bool Remove(ushort value)
        {
            if (_bits is { } bits)
            {
                ref var word = ref bits[value >> 6];
                var mask = 1UL << value;
                if ((word & mask) == 0)
                {
                    return false;
                }

                word &= ~mask;
                _cardinality--;
                if (_cardinality <= ArrayMaxCardinality)
                {
                    ConvertToArray();
                }

                return true;
            }

            var array = _array!;
            var index = array.AsSpan(0, _cardinality).BinarySearch(value);
            if (index < 0)
            {
                return false;
            }

            Array.Copy(array, index + 1, array, index, _cardinality - index - 1);
            _cardinality--;
            return true;
        }

        /// <summary>Intersection; null when empty.</summary>
        /// <param name="a">The left container.</param>
        /// <param name="b">The right container.</param>
        /// <returns>The result, or null.</returns>
        internal static Container? And(Container a, Container b)
        {
            if (a._bits is { } abits && b._bits is { } bbits)
            {
                var bits = new ulong[BitmapWords];
                var cardinality = 0;
                for (var i = 0; i < BitmapWords; i++)
                {
                    var word = abits[i] & bbits[i];
                    bits[i] = word;
                    cardinality += BitOperations.PopCount(word);
                }

                return FromBits(bits, cardinality);
            }

            if (a.IsBitmap)
            {
                (a, b) = (b, a);
            }

            // a is an array container from here on.
            var left = a._array.AsSpan(0, a._cardinality);
            var result = new ushort[Math.Min(a._cardinality, b._cardinality)];
            var n = 0;
            if (b._bits is { } filter)
            {
                foreach (var value in left)
                {
                    if ((filter[value >> 6] & (1UL << value)) != 0)
                    {
                        result[n++] = value;
                    }
                }
            }
            else
            {
                var right = b._array.AsSpan(0, b._cardinality);
                int i = 0, j = 0;
                while (i < left.Length && j < right.Length)
                {
                    if (left[i] < right[j])
                    {
                        i++;
                    }
                    else if (left[i] > right[j])
                    {
                        j++;
                    }
                    else
                    {
                        result[n++] = left[i];
                        i++;
                        j++;
                    }
                }
            }

            return n == 0 ? null : FromArray(result, n);
        }

        /// <summary>Union; never empty.</summary>
        /// <param name="a">The left container.</param>
        /// <param name="b">The right container.</param>
        /// <returns>The result.</returns>
        internal static Container Or(Container a, Container b)
        {
            if (a._bits is { } abits && b._bits is { } bbits)
            {
                var bits = new ulong[BitmapWords];
                var cardinality = 0;
                for (var i = 0; i < BitmapWords; i++)
                {
                    var word = abits[i] | bbits[i];
                    bits[i] = word;
                    cardinality += BitOperations.PopCount(word);
                }

                return new Container(null, bits, cardinality);
            }

            if (a.IsBitmap)
            {
                (a, b) = (b, a);
            }

            // a is an array container from here on.
            if (b._bits is { } target)
            {
                var bits = (ulong[])target.Clone();
                var cardinality = b._cardinality;
                foreach (var value in a._array.AsSpan(0, a._cardinality))
                {
                    ref var word = ref bits[value >> 6];
                    var mask = 1UL << value;
                    if ((word & mask) == 0)
                    {
                        word |= mask;
                        cardinality++;
                    }
                }

                return new Container(null, bits, cardinality);
            }

            var left = a._array.AsSpan(0, a._cardinality);
            var right = b._array.AsSpan(0, b._cardinality);
            if (left.Length + right.Length > ArrayMaxCardinality)
            {
                var bits = new ulong[BitmapWords];
                SetAll(bits, left);
                SetAll(bits, right);
                var cardinality = 0;
                foreach (var word in bits)
                {
                    cardinality += BitOperations.PopCount(word);
                }

                return FromBits(bits, cardinality)!;
            }

            var merged = new ushort[left.Length + right.Length];
            var n = 0;
            int li = 0, ri = 0;
            while (li < left.Length && ri < right.Length)
            {
                if (left[li] < right[ri])
                {
                    merged[n++] = left[li++];
                }
                else if (left[li] > right[ri])
                {
                    merged[n++] = right[ri++];
                }
                else
                {
                    merged[n++] = left[li++];
                    ri++;
                }
            }

            while (li < left.Length)
            {
                merged[n++] = left[li++];
            }

            while (ri < right.Length)
            {
                merged[n++] = right[ri++];
            }

            return FromArray(merged, n);
        }

        /// <summary>Difference <c>a \ b</c>; null when empty.</summary>
        /// <param name="a">The left container.</param>
        /// <param name="b">The container whose values are removed.</param>
        /// <returns>The result, or null.</returns>
        internal static Container? AndNot(Container a, Container b)
        {
            if (a._bits is { } abits)
            {
                var bits = new ulong[BitmapWords];
                var cardinality = 0;
                if (b._bits is { } bbits)
                {
                    for (var i = 0; i < BitmapWords; i++)
                    {
                        var word = abits[i] & ~bbits[i];
                        bits[i] = word;
                        cardinality += BitOperations.PopCount(word);
                    }
                }
                else
                {
                    abits.CopyTo(bits, 0);
                    cardinality = a._cardinality;
                    foreach (var value in b._array.AsSpan(0, b._cardinality))
                    {
                        ref var word = ref bits[value >> 6];
                        var mask = 1UL << value;
                        if ((word & mask) != 0)
                        {
                            word &= ~mask;
                            cardinality--;
                        }
                    }
                }

                return FromBits(bits, cardinality);
            }

            var left = a._array.AsSpan(0, a._cardinality);
            var result = new ushort[left.Length];
            var n = 0;
            if (b._bits is { } filter)
            {
                foreach (var value in left)
                {
                    if ((filter[value >> 6] & (1UL << value)) == 0)
                    {
                        result[n++] = value;
                    }
                }
            }
            else
            {
                var right = b._array.AsSpan(0, b._cardinality);
                var j = 0;
                foreach (var value in left)
                {
                    while (j < right.Length && right[j] < value)
                    {
                        j++;
                    }

                    if (j == right.Length || right[j] != value)
                    {
                        result[n++] = value;
                    }
                }
            }

            return n == 0 ? null : FromArray(result, n);
        }

        /// <summary>Checks the container invariants (tests).</summary>
        /// <returns>Null when valid, else what is wrong.</returns>
        internal string? Validate()
        {
            if (_cardinality <= 0)
            {
                return "empty container";
            }

            if (_bits is { } bits)
            {
                if (_array is not null || bits.Length != BitmapWords)
                {
                    return "malformed bitmap container";
                }

                var count = 0;
                foreach (var word in bits)
                {
                    count += BitOperations.PopCount(word);
                }

                if (count != _cardinality)
                {
                    return $"bitmap cardinality {_cardinality} but {count} bits set";
                }

                return _cardinality <= ArrayMaxCardinality ? $"bitmap container with only {_cardinality} values" : null;
            }

            if (_array is null || _cardinality > _array.Length || _cardinality > ArrayMaxCardinality)
            {
                return $"array container with cardinality {_cardinality} out of range";
            }

            for (var i = 1; i < _cardinality; i++)
            {
                if (_array[i - 1] >= _array[i])
                {
                    return "array container not strictly ascending";
                }
            }

            return null;
        }

        private static void SetAll(ulong[] bits, ReadOnlySpan<ushort> values)
        {
            foreach (var value in values)
            {
                bits[value >> 6] |= 1UL << value;
            }
        }

        private void ConvertToBitmap()
        {
            var bits = new ulong[BitmapWords];
            SetAll(bits, _array.AsSpan(0, _cardinality));
            _bits = bits;
            _array = null;
        }

        private void ConvertToArray()
        {
            var bits = _bits!;
            var array = new ushort[_cardinality];
            var n = 0;
            for (var i = 0; i < bits.Length; i++)
            {
                var word = bits[i];
                while (word != 0)
                {
                    array[n++] = (ushort)((i << 6) | BitOperations.TrailingZeroCount(word));
                    word &= word - 1;
                }
            }

            _array = array;
            _bits = null;
        }
    }
}
