namespace FeatureStore.Server.Ingestion;

/// <summary>
/// What a push did. <see cref="Written"/> and <see cref="AlreadyCurrent"/> count online row writes, summed over the
/// feature views written (a push source feeding two online views makes two per row): written when the store took
/// the row, already current when it held the same or a newer version of the key, or a later row of the same request
/// did. <see cref="OfflineRows"/> counts rows appended to the batch source.
/// </summary>
public sealed record PushSummary(int Rows, long Written, long AlreadyCurrent, int OfflineRows);
