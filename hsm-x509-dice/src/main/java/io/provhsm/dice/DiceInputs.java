package io.provhsm.dice;

import io.provhsm.InvalidInputException;
import java.util.Objects;

/**
 * The input values of one DICE layer (Open Profile for DICE): what the layer measured about the next one.
 * Hashes are SHA-512 (64 bytes); descriptors are free-form and may be empty.
 *
 * @param configType     {@link ConfigType#INLINE}: {@code configValue} is the 64-byte configuration;
 *                       {@link ConfigType#DESCRIPTOR}: the configuration is {@code configDescriptor} and its hash is used
 * @param configValue    64 bytes for INLINE; ignored (may be empty) for DESCRIPTOR
 * @param hidden         64 bytes mixed into the CDIs but not shown in the certificate
 */
public record DiceInputs(byte[] codeHash, byte[] codeDescriptor, ConfigType configType, byte[] configValue,
                         byte[] configDescriptor, byte[] authorityHash, byte[] authorityDescriptor, DiceMode mode,
                         byte[] hidden) {
    public static final int HASH_SIZE = 64;

    /** How the configuration is given. */
    public enum ConfigType { INLINE, DESCRIPTOR }

    public DiceInputs {
        Objects.requireNonNull(configType, "configType");
        Objects.requireNonNull(mode, "mode");
        codeHash = exact("code_hash", codeHash);
        codeDescriptor = optional(codeDescriptor);
        configValue = configType == ConfigType.INLINE ? exact("config_value", configValue) : optional(configValue);
        configDescriptor = optional(configDescriptor);
        authorityHash = exact("authority_hash", authorityHash);
        authorityDescriptor = optional(authorityDescriptor);
        hidden = exact("hidden", hidden);
    }

    /** All hashes zero, no descriptors, inline zero configuration, the given mode. */
    public static DiceInputs zero(DiceMode mode) {
        byte[] zero = new byte[HASH_SIZE];
        return new DiceInputs(zero, null, ConfigType.INLINE, zero, null, zero, null, mode, zero);
    }

    /** A copy with another code hash (as a firmware update would give). */
    public DiceInputs withCodeHash(byte[] newCodeHash) {
        return new DiceInputs(newCodeHash, codeDescriptor, configType, configValue, configDescriptor, authorityHash,
                authorityDescriptor, mode, hidden);
    }

    @Override
    public byte[] codeHash() {
        return codeHash.clone();
    }

    @Override
    public byte[] codeDescriptor() {
        return codeDescriptor.clone();
    }

    @Override
    public byte[] configValue() {
        return configValue.clone();
    }

    @Override
    public byte[] configDescriptor() {
        return configDescriptor.clone();
    }

    @Override
    public byte[] authorityHash() {
        return authorityHash.clone();
    }

    @Override
    public byte[] authorityDescriptor() {
        return authorityDescriptor.clone();
    }

    @Override
    public byte[] hidden() {
        return hidden.clone();
    }

    /** Equal when every value is equal (records compare arrays by reference otherwise). */
    @Override
    public boolean equals(Object other) {
        return other instanceof DiceInputs o && configType == o.configType && mode == o.mode
                && java.util.Arrays.equals(codeHash, o.codeHash) && java.util.Arrays.equals(codeDescriptor, o.codeDescriptor)
                && java.util.Arrays.equals(configValue, o.configValue) && java.util.Arrays.equals(configDescriptor, o.configDescriptor)
                && java.util.Arrays.equals(authorityHash, o.authorityHash)
                && java.util.Arrays.equals(authorityDescriptor, o.authorityDescriptor) && java.util.Arrays.equals(hidden, o.hidden);
    }

    @Override
    public int hashCode() {
        return Objects.hash(configType, mode, java.util.Arrays.hashCode(codeHash), java.util.Arrays.hashCode(configValue),
                java.util.Arrays.hashCode(configDescriptor), java.util.Arrays.hashCode(authorityHash));
    }

    @Override
    public String toString() {
        return "DiceInputs[config " + configType + ", mode " + mode.settingName() + "]";
    }

    private static byte[] exact(String field, byte[] value) {
        if (value == null) {
            throw new InvalidInputException(field + " is missing: it must be " + HASH_SIZE + " bytes");
        }
        if (value.length != HASH_SIZE) {
            throw new InvalidInputException(field + " must be " + HASH_SIZE + " bytes, got " + value.length);
        }
        return value.clone();
    }

    private static byte[] optional(byte[] value) {
        return value == null ? new byte[0] : value.clone();
    }
}
