"""Virtual hardware behind the interface firmware/ uses: keys, locks, clock, network, PN532."""
