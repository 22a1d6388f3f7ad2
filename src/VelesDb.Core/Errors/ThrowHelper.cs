using System.Diagnostics.CodeAnalysis;

namespace VelesDb.Core.Errors;

/// <summary>
/// Throw sites kept out of hot methods so the JIT can inline the callers.
/// </summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void Throw(VelesDbErrorCode code, string message) =>
        throw new VelesDbException(code, message);

    [DoesNotReturn]
    public static T Throw<T>(VelesDbErrorCode code, string message) =>
        throw new VelesDbException(code, message);

    [DoesNotReturn]
    public static void Throw(VelesDbErrorCode code, string message, Exception inner) =>
        throw new VelesDbException(code, message, inner);

    [DoesNotReturn]
    public static void DimensionMismatch(int expected, int actual) =>
        throw new VelesDbException(
            VelesDbErrorCode.DimensionMismatch,
            $"Vector dimension mismatch: expected {expected}, got {actual}.");

    [DoesNotReturn]
    public static void CollectionNotFound(string name) =>
        throw new VelesDbException(VelesDbErrorCode.CollectionNotFound, $"Collection '{name}' not found.") { Collection = name };

    [DoesNotReturn]
    public static void Disposed(string what) =>
        throw new ObjectDisposedException(what);
}
