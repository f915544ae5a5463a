using System;
using OneClickMlflow.Tokens;
using Xunit;

namespace OneClickMlflow.Tests.Tokens;

public sealed class AppServingEndpointTests
{
    [Fact]
    public void Without_an_override_an_app_is_served_over_https_at_its_host_and_the_audience_is_its_origin()
    {
        var uri = AppServingEndpoint.TrackingUriFor("demo.ew.r.appspot.com", overrideValue: null);

        Assert.Equal("https://demo.ew.r.appspot.com/", uri.AbsoluteUri);
        Assert.Equal("https://demo.ew.r.appspot.com/*", AppServingEndpoint.IapAudienceOf(uri, overrideValue: null));
        Assert.Equal("https://demo.ew.r.appspot.com/*",
            AppServingEndpoint.IapAudienceOf(new Uri("https://demo.ew.r.appspot.com/#/experiments"), overrideValue: null));
    }

    [Theory]
    [InlineData("http://127.0.0.1:5005/appspot/")]
    [InlineData("http://127.0.0.1:5005/appspot")]
    public void An_override_sends_each_host_under_its_own_prefix_and_the_audience_names_that_prefix(string overrideValue)
    {
        var uri = AppServingEndpoint.TrackingUriFor("demo.ew.r.appspot.com", overrideValue);

        Assert.Equal("http://127.0.0.1:5005/appspot/demo.ew.r.appspot.com/", uri.AbsoluteUri);
        Assert.Equal("http://127.0.0.1:5005/appspot/demo.ew.r.appspot.com/*", AppServingEndpoint.IapAudienceOf(uri, overrideValue));
        Assert.Equal("https://other.example.com/*", AppServingEndpoint.IapAudienceOf(new Uri("https://other.example.com/x"), overrideValue));
    }

    [Fact]
    public void A_malformed_override_is_a_clear_error_naming_the_variable()
    {
        var error = Assert.Throws<InvalidOperationException>(() => AppServingEndpoint.TrackingUriFor("demo.ew.r.appspot.com", "not a url"));

        Assert.Contains(AppServingEndpoint.OverrideVariable, error.Message);
    }
}
