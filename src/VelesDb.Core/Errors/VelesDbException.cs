using System.Globalization;

namespace VelesDb.Core.Errors;

/// <summary>
/// The single exception type thrown by VelesDB. <see cref="Code"/> is stable and machine-readable;
/// the message is for people.
/// </summary>
public sealed class VelesDbException : Exception
{
    /// <summary>Creates an exception with a code and a message.</summary>
    public VelesDbException(VelesDbErrorCode code, string message)
        : base(message)
    {
        Code = code;
    }

    /// <summary>Creates an exception with a code, a message and the underlying cause.</summary>
    public VelesDbException(VelesDbErrorCode code, string message, Exception? innerException)
        : base(message, innerException)
    {
        Code = code;
    }

    /// <summary>The stable error code.</summary>
    public VelesDbErrorCode Code { get; }

    /// <summary>The code as rendered on the wire, e.g. <c>VELES-004</c>.</summary>
    public string CodeString => Format(Code);

    /// <summary>Renders a code as <c>VELES-0NN</c>.</summary>
    public static string Format(VelesDbErrorCode code) =>
        "VELES-" + ((int)code).ToString("D3", CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public override string ToString() => $"{CodeString}: {base.ToString()}";
}
