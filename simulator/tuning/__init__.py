"""Fine-tuning the tenant model on the tenant corpus (`roleplay tune-tenant`).

examples.py builds (prompt, tenant line) pairs and the held-out split; train.py trains a LoRA
adapter with checkpoints; lora_gguf.py writes the adapter for llama.cpp. Heavy imports (torch,
peft, transformers) happen inside functions.
"""
