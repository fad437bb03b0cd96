package io.lakestream.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UnitParsersTest {

  @ParameterizedTest
  @CsvSource({
    "500ms,500",
    "10s,10000",
    "10 seconds,10000",
    "30min,1800000",
    "2m,120000",
    "1h,3600000",
    "1d,86400000",
    "0s,0"
  })
  void parsesDurations(String text, long millis) {
    assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
  }

  @ParameterizedTest
  @ValueSource(strings = {"10", "ten s", "-5s", "1.5h", "10 parsecs", ""})
  void refusesMalformedDurations(String text) {
    assertThatThrownBy(() -> Durations.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageEndingWith("is not a duration");
  }

  @ParameterizedTest
  @CsvSource({"90s,90s", "30min,30min", "2h,2h", "1500ms,1500ms", "1d,1d"})
  void formatsDurationsExactly(String text, String formatted) {
    assertThat(Durations.format(Durations.parse(text))).isEqualTo(formatted);
  }

  @ParameterizedTest
  @CsvSource({
    "1024,1024",
    "512k,524288",
    "128m,134217728",
    "64MB,67108864",
    "1g,1073741824",
    "2 GiB,2147483648"
  })
  void parsesSizes(String text, long bytes) {
    assertThat(ByteSizes.parse(text)).isEqualTo(bytes);
  }

  @ParameterizedTest
  @ValueSource(strings = {"12x", "m", "1.5g", "-1k", ""})
  void refusesMalformedSizes(String text) {
    assertThatThrownBy(() -> ByteSizes.parse(text)).hasMessageEndingWith("is not a size");
  }

  @ParameterizedTest
  @CsvSource({
    "0,0 B",
    "1023,1023 B",
    "1024,1.0 KB",
    "1536,1.5 KB",
    "134217728,128.0 MB",
    "3435973837,3.2 GB"
  })
  void formatsSizesForPeople(long bytes, String text) {
    assertThat(ByteSizes.format(bytes)).isEqualTo(text);
  }
}
