"""Internal utilities package for Bedrock AgentCore SDK.

This package contains internal utility modules that are used by other
components within the Bedrock AgentCore SDK. These utilities are not part of the
public API and should not be imported directly by external users.
"""
