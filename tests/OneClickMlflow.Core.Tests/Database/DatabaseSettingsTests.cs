using OneClickMlflow.Deployment;
using Xunit;

namespace OneClickMlflow.Tests.Database;

public sealed class DatabaseSettingsTests
{
    [Fact]
    public void Defaults_are_mysql_8_4_on_a_small_shared_core_tier_with_a_week_of_backups()
    {
        var settings = DatabaseSettings.Validate(null, null, null);

        Assert.Equal("MYSQL_8_4", settings.Version);
        Assert.Equal("db-g1-small", settings.Tier);
        Assert.Equal(7, settings.BackupRetentionDays);
        Assert.Equal(7, settings.TransactionLogRetentionDays);
        Assert.Null(settings.RequestedTier);
    }

    [Theory]
    [InlineData("mysql_8_0", "MYSQL_8_0")]
    [InlineData("MYSQL_8_4", "MYSQL_8_4")]
    public void Versions_are_normalised(string given, string expected) =>
        Assert.Equal(expected, DatabaseSettings.Validate(given, null, null).Version);

    [Theory]
    [InlineData("MYSQL_5_7")]
    [InlineData("MYSQL_8")]
    [InlineData("POSTGRES_16")]
    [InlineData("MYSQL_8_4_")]
    public void Versions_google_does_not_create_are_refused_naming_the_parameter(string version)
    {
        var error = Assert.Throws<InvalidDeploymentInputException>(() => DatabaseSettings.Validate(version, null, null));
        Assert.Equal("DatabaseVersion", error.ParameterName);
        Assert.Contains("MYSQL_8_0, MYSQL_8_4", error.Message);
    }

    [Theory]
    [InlineData("db-f1-micro")]
    [InlineData("db-n1-standard-4")]
    [InlineData("db-n1-highmem-16")]
    [InlineData("DB-CUSTOM-2-7680")]
    public void Enterprise_tiers_are_accepted(string tier) =>
        Assert.Equal(tier.ToLowerInvariant(), DatabaseSettings.Validate(null, tier, null).Tier);

    [Fact]
    public void The_tiers_offered_for_completion_are_accepted_smallest_first_with_the_default_among_them()
    {
        Assert.Equal("db-f1-micro", DatabaseSettings.Tiers[0]);
        Assert.Contains(DatabaseSettings.DefaultTier, DatabaseSettings.Tiers);
        Assert.All(DatabaseSettings.Tiers, tier => Assert.Equal(tier, DatabaseSettings.Validate(null, tier, null).Tier));
    }

    [Theory]
    [InlineData("db-perf-optimized-N-2")]
    [InlineData("small")]
    [InlineData("db-custom-2")]
    [InlineData("db-n1-standard")]
    [InlineData("db-g1-small\n")]
    [InlineData(" db-g1-small")]
    [InlineData("")]
    [InlineData("   ")]
    public void Other_tiers_are_refused(string tier)
    {
        var error = Assert.Throws<InvalidDeploymentInputException>(() => DatabaseSettings.Validate(null, tier, null));
        Assert.Equal("DatabaseTier", error.ParameterName);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("MYSQL_8_4\n")]
    [InlineData(" MYSQL_8_4 ")]
    public void A_given_but_empty_or_padded_version_is_refused_not_read_as_the_default(string version) =>
        Assert.Equal("DatabaseVersion",
            Assert.Throws<InvalidDeploymentInputException>(() => DatabaseSettings.Validate(version, null, null)).ParameterName);

    [Theory]
    [InlineData(0)]
    [InlineData(366)]
    public void Retention_outside_1_to_365_days_is_refused(int days) =>
        Assert.Equal("BackupRetentionDays",
            Assert.Throws<InvalidDeploymentInputException>(() => DatabaseSettings.Validate(null, null, days)).ParameterName);

    [Theory]
    [InlineData(3, 3)]
    [InlineData(30, 7)]
    public void Point_in_time_recovery_covers_the_retention_up_to_seven_days(int days, int logDays) =>
        Assert.Equal(logDays, DatabaseSettings.Validate(null, null, days).TransactionLogRetentionDays);

    [Theory]
    [InlineData("MYSQL_8_0_41", 8, 0)]
    [InlineData("MYSQL_8_4", 8, 4)]
    public void The_major_version_ignores_the_patch_level(string version, int major, int minor) =>
        Assert.Equal(new System.Version(major, minor), DatabaseSettings.MajorOf(version));
}
