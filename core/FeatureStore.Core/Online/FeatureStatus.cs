namespace FeatureStore.Core.Online;

/// <summary>
/// Why an online value is what it is; the same four statuses Feast's serving API reports. One byte: a read holds one
/// per requested value (5,000 in a 100 x 50 lookup).
/// </summary>
public enum FeatureStatus : byte
{
    /// <summary>A value was found and is within the view's TTL at read time.</summary>
    Present,

    /// <summary>A row was found within TTL but this feature's value in it is null.</summary>
    NullValue,

    /// <summary>Nothing was materialized for this entity and view.</summary>
    NotFound,

    /// <summary>A value exists but its event timestamp is older than read time minus the view's TTL.</summary>
    OutsideMaxAge,
}
