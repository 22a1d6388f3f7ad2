using Microsoft.Extensions.Logging;

namespace VelesDb.Core.Diagnostics;

/// <summary>Source-generated log messages of the engine.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Collection '{Collection}': recovery: {Note}")]
    public static partial void RecoveryNote(ILogger logger, string collection, string note);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Collection '{Collection}': replayed {Records} WAL records")]
    public static partial void WalReplayed(ILogger logger, string collection, int records);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "Collection '{Collection}': checkpoint on close failed; the WAL will be replayed at the next open")]
    public static partial void CheckpointOnCloseFailed(ILogger logger, string collection, Exception exception);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Removed leftover '{Path}'")]
    public static partial void RemovedLeftover(ILogger logger, string path);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Collection '{Collection}': hnsw.graph not used ({Problem}); rebuilding the index from stored vectors")]
    public static partial void GraphRebuilt(ILogger logger, string collection, string problem);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Collection '{Collection}': quantizer file not used ({Problem}); training a new one when enough vectors exist")]
    public static partial void QuantizerRetrained(ILogger logger, string collection, string problem);
}
